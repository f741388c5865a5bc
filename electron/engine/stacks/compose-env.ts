// Variables and environment files given as text. The `.env` text feeds interpolation (quotes
// around a value are removed, as `docker compose` does); an `env_file` is read with the docker
// CLI's own rules (opts.ParseEnvFile: the value is kept as written, a bare NAME takes its value
// from the variables, or is left out when there is none).
export interface EnvProblem {
  line: number;
  message: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function parseDotEnv(text: string): { vars: Map<string, string>; problems: EnvProblem[] } {
  const vars = new Map<string, string>();
  const problems: EnvProblem[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const body = line.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    const name = (eq < 0 ? body : body.slice(0, eq)).trim();
    if (!NAME.test(name)) {
      problems.push({ line: i + 1, message: `.env line ${i + 1}: "${name.slice(0, 40)}" is not a variable name (letters, digits and _; write NAME=value)` });
      return;
    }
    if (eq < 0) {
      problems.push({ line: i + 1, message: `.env line ${i + 1}: ${name} has no value (write ${name}=value, or ${name}= for an empty one)` });
      return;
    }
    let value = body.slice(eq + 1).trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1') : quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    vars.set(name, value);
  });
  return { vars, problems };
}

/** docker's env-file format; throws an Error naming the line on a bad one. */
export function parseEnvFile(text: string, name: string, vars: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  text.replace(/^\uFEFF/, '').split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const variable = (eq < 0 ? line : line.slice(0, eq)).replace(/^[ \t]+/, '');
    if (/[ \t]/.test(variable)) throw new Error(`env file ${name} line ${i + 1}: variable '${variable}' contains whitespaces`);
    if (!variable) throw new Error(`env file ${name} line ${i + 1}: no variable name on line '${line}'`);
    if (eq >= 0) out.push(`${variable}=${line.slice(eq + 1)}`);
    else if (vars.has(line.trim())) out.push(`${line.trim()}=${vars.get(line.trim())}`);
  });
  return out;
}
