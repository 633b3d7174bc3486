import { open } from 'node:fs/promises';
import { ValidationError } from '../errors.js';

/** Write a secret file with mode 0600; refuses to overwrite anything that exists. */
export async function writeSecretFile(path: string, contents: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ValidationError({ provider: 'marketmux', message: `${path} already exists; refusing to overwrite a key file` });
    throw new ValidationError({ provider: 'marketmux', message: `cannot create ${path} (${code ?? 'error'})` });
  }
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.chmod(0o600); // the umask cannot widen it
  } finally {
    await handle.close();
  }
}
