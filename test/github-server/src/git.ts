// Git plumbing over a bare repository: the GitHub git-data API maps 1:1 onto these commands.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export class GitError extends Error {}

export class BareRepo {
  constructor(readonly dir: string) {}

  async git(
    args: string[],
    opts: { input?: string | Buffer; env?: Record<string, string> } = {},
  ): Promise<string> {
    if (opts.input === undefined) {
      try {
        const { stdout } = await exec('git', args, {
          cwd: this.dir,
          env: { ...process.env, ...opts.env },
          maxBuffer: 64 * 1024 * 1024,
        });
        return stdout;
      } catch (e) {
        throw new GitError(
          `git ${args.join(' ')}: ${(e as { stderr?: string }).stderr?.trim() ?? (e as Error).message}`,
        );
      }
    }
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd: this.dir, env: { ...process.env, ...opts.env } });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve(Buffer.concat(out).toString('utf8'))
          : reject(new GitError(`git ${args.join(' ')}: ${Buffer.concat(err).toString().trim()}`)),
      );
      child.stdin.end(opts.input);
    });
  }

  /** sha of a ref, or undefined. */
  async resolveRef(ref: string): Promise<string | undefined> {
    try {
      return (await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    try {
      return (await this.git(['cat-file', '-t', sha])).trim();
    } catch {
      return undefined;
    }
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.git(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** Atomic compare-and-swap of a ref: old undefined means "must not exist". */
  async updateRef(ref: string, sha: string, old: string | undefined): Promise<boolean> {
    try {
      await this.git(['update-ref', ref, sha, old ?? '0'.repeat(40)]);
      return true;
    } catch {
      return false;
    }
  }

  async hashBlob(content: string): Promise<string> {
    return (await this.git(['hash-object', '-w', '--stdin'], { input: content })).trim();
  }

  /** Tree entries (top level), with sizes for blobs. */
  async lsTree(
    tree: string,
  ): Promise<{ mode: string; type: string; sha: string; size?: number; path: string }[]> {
    const out = await this.git(['ls-tree', '-l', '-z', tree]);
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t') as [string, string];
        const [mode, type, sha, size] = meta.split(/\s+/) as [string, string, string, string];
        return { mode, type, sha, path, ...(size !== '-' ? { size: Number(size) } : {}) };
      });
  }

  /** Build a tree from a base tree plus changes, through a throwaway index. */
  async writeTree(
    base: string | undefined,
    entries: { path: string; mode: string; sha: string | null }[],
  ): Promise<string> {
    const tmp = await mkdtemp(join(tmpdir(), 'gh-index-'));
    const env = { GIT_INDEX_FILE: join(tmp, 'index') };
    try {
      if (base) await this.git(['read-tree', base], { env });
      else await this.git(['read-tree', '--empty'], { env });
      for (const e of entries) {
        if (e.sha === null) await this.git(['update-index', '--force-remove', '--', e.path], { env });
        else
          await this.git(['update-index', '--add', '--cacheinfo', `${e.mode},${e.sha},${e.path}`], { env });
      }
      return (await this.git(['write-tree'], { env })).trim();
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async commitTree(
    tree: string,
    parents: string[],
    message: string,
    who: { name: string; email: string; date: string },
  ): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_AUTHOR_DATE: who.date,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_COMMITTER_DATE: who.date,
    };
    return (
      await this.git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], { input: message, env })
    ).trim();
  }

  async readCommit(
    sha: string,
  ): Promise<{ tree: string; parents: string[]; message: string; author: string }> {
    const raw = await this.git(['cat-file', 'commit', sha]);
    const [head, ...rest] = raw.split('\n\n');
    const lines = head!.split('\n');
    return {
      tree: lines.find((l) => l.startsWith('tree '))!.slice(5),
      parents: lines.filter((l) => l.startsWith('parent ')).map((l) => l.slice(7)),
      author: lines.find((l) => l.startsWith('author '))!.slice(7),
      message: rest.join('\n\n'),
    };
  }

  /** The blob at a path in a commit, or undefined. */
  async fileAt(
    commit: string,
    path: string,
  ): Promise<{ mode: string; sha: string; text: string } | undefined> {
    const out = await this.git(['ls-tree', '-z', commit, '--', path]);
    const line = out.split('\0').find(Boolean);
    if (!line) return undefined;
    const [meta] = line.split('\t') as [string];
    const [mode, type, sha] = meta.split(/\s+/) as [string, string, string];
    if (type !== 'blob') return undefined;
    return { mode, sha, text: await this.git(['cat-file', 'blob', sha]) };
  }

  async revList(sha: string, max: number): Promise<string[]> {
    return (await this.git(['rev-list', `--max-count=${max}`, sha])).split('\n').filter(Boolean);
  }
}
