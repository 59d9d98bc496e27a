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
  it('copies only id, name, email and createdAt into a user', () => {
    expect(toUser(record)).toEqual({
      id: '665f1c2a9e4b3c0012abcdef',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      createdAt: '2026-01-31T12:00:00.000Z',
    });
  });

  it('copies only id, name and createdAt into a public user', () => {
    expect(toPublicUser(record)).toEqual({
      id: '665f1c2a9e4b3c0012abcdef',
      name: 'Ada Lovelace',
      createdAt: '2026-01-31T12:00:00.000Z',
    });
  });
});
