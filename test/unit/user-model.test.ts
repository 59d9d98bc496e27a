import { Types } from 'mongoose';
import { toPublicUser, toUser } from '../../functions/shared/user-model';

const record = {
  _id: new Types.ObjectId('665f1c2a9e4b3c0012abcdef'),
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  passwordHash: '$2b$10$abcdefghijklmnopqrstuuOPQRSTUVWXYZabcdefghijklmnopqrs',
  createdAt: new Date('2026-01-31T12:00:00.000Z'),
  isAdmin: true,
};

describe('user mappers', () => {
  it('copies only id, name, email, emailVerified and createdAt into a user', () => {
    expect(toUser({ ...record, emailVerified: true })).toEqual({
      id: '665f1c2a9e4b3c0012abcdef',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      emailVerified: true,
      createdAt: '2026-01-31T12:00:00.000Z',
    });
  });

  it('reads an account stored before emails were verified as not verified', () => {
    expect(toUser(record).emailVerified).toBe(false);
  });

  it('copies only id, name and createdAt into a public user', () => {
    expect(toPublicUser(record)).toEqual({
      id: '665f1c2a9e4b3c0012abcdef',
      name: 'Ada Lovelace',
      createdAt: '2026-01-31T12:00:00.000Z',
    });
  });
});
