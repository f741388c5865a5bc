// Input schemas of the stack, secret and config methods.
import { z } from 'zod';
import { serviceRef } from './schemas';

/** A stack name prefixes every object (`<stack>_<name>`): letters, digits, "-" and "_". */
export const stackName = z
  .string()
  .trim()
  .min(1, 'must not be empty: give the stack a name, e.g. app')
  .max(50, 'must be at most 50 characters (it prefixes every service name)')
  .regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9_-]*[a-zA-Z0-9])?$/, 'may contain only letters, digits, "-" and "_", starting and ending with a letter or digit');

const MB = 1024 * 1024;
const composeSource = {
  compose: z.string().min(1, 'must not be empty: paste a compose file').max(MB, 'is too long (1 MB at most)'),
  /** The text of a .env file: the only source of ${VAR} values. */
  env: z.string().max(256 * 1024, 'is too long').optional(),
  /** Texts of the files the compose file names (env_file, secrets' and configs' file), keyed by the path written in it. */
  files: z
    .record(z.string().min(1).max(1024).regex(/^[^\u0000-\u001f]+$/, 'must be a file path as written in the compose file'), z.string().max(MB, 'is too long'))
    .refine((f) => Object.keys(f).length <= 100, 'at most 100 files')
    .optional(),
};

export const stackCheckInput = z.object({ name: stackName.optional(), ...composeSource }).strict();
export const stackDeployInput = z
  .object({
    name: stackName,
    ...composeSource,
    /** Say what would be created, updated or removed, and change nothing. */
    preview: z.boolean().default(false),
    /** Remove the stack's services that the file no longer has. */
    prune: z.boolean().default(false),
  })
  .strict();
export const byStack = z.object({ name: stackName }).strict();
export const serviceExportInput = z.object({ service: serviceRef }).strict();

/** Swarm's rule for secret and config names. */
export const objectName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/, 'may contain only letters, digits, "-", "_" and ".", starting and ending with a letter or digit');

// Swarm keeps at most 500 KB per secret or config.
const MAX_OBJECT = 500 * 1024;
const objectData = {
  /** The content as text (UTF-8). Goes in once; never returned. */
  data: z.string().max(MAX_OBJECT, 'is too long (500 KB at most)').optional(),
  /** The content as base64 (a file's bytes). Goes in once; never returned. */
  dataBase64: z.string().max(Math.ceil((MAX_OBJECT * 4) / 3) + 4, 'is too long (500 KB at most)').regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64').optional(),
};
const oneContent = (o: { data?: string; dataBase64?: string }) => (o.data === undefined) !== (o.dataBase64 === undefined);
const contentMessage = { message: 'give the content once: data (text) or dataBase64 (a file), not both, not neither', path: ['data'] };

export const objectCreateInput = z
  .object({ name: objectName, ...objectData, labels: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a label key'), z.string().max(256)).optional() })
  .strict()
  .refine(oneContent, contentMessage);
export const byObject = z.object({ name: objectName }).strict();
export const objectRotateInput = z
  .object({
    name: objectName,
    /** The new version's name (default: name_v2, or the next _vN). */
    newName: objectName.optional(),
    ...objectData,
    /** Remove the old version once every service uses the new one (default true). */
    removeOld: z.boolean().default(true),
  })
  .strict()
  .refine(oneContent, contentMessage);
