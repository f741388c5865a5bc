// Input schemas shared by the engine (authoritative check) and the renderer (early feedback).
import { z } from 'zod';

const ipOrHostname = z.union([z.ipv4(), z.ipv6(), z.hostname()]);
// A DNS name made only of numbers and dots would be read as an IPv4 address: 300.1.1.1 is neither.
const looksLikeIPv4 = /^[\d.]+$/;
const isAddress = (v: string) => ipOrHostname.safeParse(v).success && (!looksLikeIPv4.test(v) || z.ipv4().safeParse(v).success);

export const hostId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a host id as returned by hosts:list');

export const hostName = z
  .string()
  .trim()
  .min(1, 'must not be empty: give the host a name you will recognise, e.g. "docker1"')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const hostAddress = z
  .string()
  .trim()
  .min(1, 'must not be empty: give an IP address or a DNS name')
  .refine(isAddress, 'is not a valid IP address or host name (e.g. 192.168.1.10 or docker1.example.com)');

export const port = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');

export const sshUser = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]*\$?$/, 'is not a valid user name (letters, digits, "_", "-", ".")');

export const keyPath = z
  .string()
  .trim()
  .min(1, 'must not be empty: the path of your private key, e.g. ~/.ssh/id_ed25519')
  .max(4096, 'is too long')
  .regex(/^[^\u0000]+$/, 'must not contain NUL');

export const keyAuth = z.object({ kind: z.literal('key'), keyPath }).strict();

export const hostAddInput = z
  .object({
    name: hostName,
    address: hostAddress,
    port: port.default(22),
    user: sshUser.default('root'),
    auth: keyAuth,
  })
  .strict();

export const byId = z.object({ id: hostId }).strict();
export const noInput = z.object({}).strict();
