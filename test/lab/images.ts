// The two images every lab host gets, built from Debian's static busybox (no registry here).
import { mkdtemp, mkdir, copyFile, symlink, writeFile, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './sys';

const BUSYBOX = '/bin/busybox';
const HTTPD = (bin: string) => [`CMD ["${bin}","-f","-p","80","-h","/www"]`];
// httpd as PID 1 has no SIGTERM handler, so the kernel ignores SIGTERM and every task stop
// would wait out the 10 s grace period (dockerd 20.10 cannot set STOPSIGNAL on import): a shell
// that exits on TERM runs it instead.
const HTTPD_BEHIND_SHELL = [`CMD ["/bin/sh","-c","trap 'exit 0' TERM; /bin/httpd -f -p 80 -h /www & wait"]`];

export interface LabImage {
  tag: string;
  changes: string[];
  build: (root: string) => Promise<void>;
}

async function writeWww(root: string, title: string): Promise<void> {
  await mkdir(path.join(root, 'www'), { recursive: true });
  await writeFile(path.join(root, 'www', 'index.html'), `<!doctype html><title>${title}</title><p>${title}</p>\n`);
}

/** lab/web: busybox httpd on :80 with a shell and network tools (ping nc nslookup wget …). */
const web: LabImage = {
  tag: 'lab/web',
  changes: HTTPD_BEHIND_SHELL,
  async build(root) {
    await mkdir(path.join(root, 'bin'), { recursive: true });
    await copyFile(BUSYBOX, path.join(root, 'bin', 'busybox'));
    const { stdout } = await run(BUSYBOX, ['--list']);
    for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox')) {
      await symlink('busybox', path.join(root, 'bin', applet));
    }
    for (const dir of ['tmp', 'etc', 'www/cgi-bin']) await mkdir(path.join(root, dir), { recursive: true });
    await writeFile(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\n');
    await writeWww(root, 'lab/web');
    // Answers with the task's hostname, so a check can tell which replica replied.
    const whoami = path.join(root, 'www', 'cgi-bin', 'whoami');
    await writeFile(whoami, '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nhostname\n');
    await chmod(whoami, 0o755);
  },
};

/** lab/bare: serves HTTP on :80 but has no shell and no network tools, like many slim images. */
const bare: LabImage = {
  tag: 'lab/bare',
  changes: HTTPD('/httpd'),
  async build(root) {
    // busybox picks its applet from argv[0], so a copy named httpd can only ever be httpd.
    await copyFile(BUSYBOX, path.join(root, 'httpd'));
    await writeWww(root, 'lab/bare');
  },
};

export const LAB_IMAGES: LabImage[] = [web, bare];

/** Builds each image's root filesystem as a tar stream, once per lab start. */
export async function buildImageTarballs(): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const image of LAB_IMAGES) {
    const root = await mkdtemp(path.join(tmpdir(), 'archlab-img-'));
    try {
      await image.build(root);
      const tar = await tarDirectory(root);
      out.set(image.tag, tar);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  return out;
}

async function tarDirectory(dir: string): Promise<Buffer> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', '-', '.']);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`tar exited ${code}`))));
  });
}

export async function importImages(socket: string, tarballs: Map<string, Buffer>): Promise<void> {
  for (const image of LAB_IMAGES) {
    const tar = tarballs.get(image.tag);
    if (!tar) throw new Error(`no tarball for ${image.tag}`);
    const changes = image.changes.flatMap((c) => ['-c', c]);
    await run('docker', ['-H', `unix://${socket}`, 'import', ...changes, '-', `${image.tag}:latest`], { input: tar, timeoutMs: 120_000 });
  }
}
