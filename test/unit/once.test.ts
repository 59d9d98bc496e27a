import { once, onceAsync } from '../../functions/shared/once';

describe('once', () => {
  it('loads on the first call and keeps the value', () => {
    const load = jest.fn(() => ({ loaded: true }));
    const get = once(load);

    expect(get()).toBe(get());
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again after a throw', () => {
    const load = jest.fn<number, []>().mockImplementationOnce(() => {
      throw new Error('not yet');
    });
    load.mockReturnValue(2);
    const get = once(load);

    expect(() => get()).toThrow('not yet');
    expect(get()).toBe(2);
  });
});

describe('onceAsync', () => {
  it('shares one load between concurrent callers', async () => {
    const load = jest.fn(async () => ({ loaded: true }));
    const get = onceAsync(load);

    const [a, b] = await Promise.all([get(), get()]);

    expect(a).toBe(b);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a rejection so that the next call loads again', async () => {
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValue('value');
    const get = onceAsync(load);

    await expect(get()).rejects.toThrow('throttled');
    await expect(get()).resolves.toBe('value');
    await expect(get()).resolves.toBe('value');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const get = onceAsync((): Promise<never> => {
      throw new Error('sync');
    });

    await expect(get()).rejects.toThrow('sync');
  });

  it('tells whether a load is kept, without starting one', async () => {
    const load = jest.fn(async () => 'value');
    const get = onceAsync(load);

    expect(get.kept()).toBeUndefined();
    const first = get();
    expect(get.kept()).toBe(first);
    await first;
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again after the kept load is forgotten', async () => {
    const load = jest.fn<Promise<number>, []>().mockResolvedValueOnce(1).mockResolvedValueOnce(2);
    const get = onceAsync(load);
    await expect(get()).resolves.toBe(1);

    get.forget();

    expect(get.kept()).toBeUndefined();
    await expect(get()).resolves.toBe(2);
    await expect(get()).resolves.toBe(2);
  });

  it('keeps the new load when one forgotten before it fails afterwards', async () => {
    let failFirst: (error: Error) => void = () => undefined;
    const load = jest
      .fn<Promise<string>, []>()
      .mockReturnValueOnce(new Promise<string>((_resolve, reject) => (failFirst = reject)))
      .mockResolvedValue('second');
    const get = onceAsync(load);
    const first = get();
    get.forget();
    const second = get();

    failFirst(new Error('closed'));
    await expect(first).rejects.toThrow('closed');

    expect(get.kept()).toBe(second);
    await expect(get()).resolves.toBe('second');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
