/**
 * The node files a cluster scenario's setup.sh writes, found in its text, so `validate` can ask
 * for each under `backup:`. A reading of the shell, not a run of it: only literal absolute paths
 * count (written out, held by a simple `VAR=/abs/path`, or passed as an argument `$1`… to a node
 * shell line); a path built at run time (`$(…)`, a loop variable) is not found. What counts as a
 * write: lab.sh's `lab_node_write NODE PATH`, `node cp SRC NODE:/path`, and in a shell line sent to
 * a node (`lab_node_sh NODE '…' ARGS`, `lab_node_exec NODE sh|bash -c '…' NAME ARGS`, or a plain
 * `lab_node_exec NODE CMD…`) a redirection `>`/`>>` and the files of sed -i, tee, cp, mv, rm, install,
 * ln, touch, truncate, chmod, chown, chgrp and ssh-keygen -f.
 */

export type NodeWrite = {
  /** The node as setup names it (`control-plane`, `worker`, a name), undefined when built at run time. */
  readonly node: string | undefined;
  readonly path: string;
  /** 1-based line of setup.sh where the command starts. */
  readonly line: number;
};

/** Marks a part of a word only known at run time (an expansion that is not a known value). */
const DYNAMIC = '\u0000';

type Word = { readonly text: string; readonly start: number };
type Command = {
  readonly words: readonly Word[];
  /** Targets of output redirections (`>`, `>>`, `&>`, `>|`). */
  readonly writes: readonly Word[];
};
type Parsed = { readonly commands: Command[]; readonly nested: { text: string; offset: number }[] };

const literal = (w: Word | undefined): string | undefined =>
  w && !w.text.includes(DYNAMIC) ? w.text : undefined;

/** The end (index after) of a `$(…)` or `` `…` `` starting at `i` (at the opening character). */
function substitutionEnd(src: string, i: number, close: string): number {
  let depth = 1;
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') j += 2;
    else if (c === "'" && close === ')') {
      const k = src.indexOf("'", j + 1);
      j = k < 0 ? src.length : k + 1;
    } else if (c === '"' && close === ')') {
      j++;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      j++;
    } else if (close === ')' && c === '(') {
      depth++;
      j++;
    } else if (c === close) {
      depth--;
      j++;
      if (depth === 0) return j;
    } else j++;
  }
  return src.length;
}

/**
 * Splits shell text into simple commands (words with quotes removed, expansions filled in from
 * `value` or marked DYNAMIC) and the text of each command substitution. Heredoc bodies are skipped.
 */
function parse(src: string, value: (name: string) => string | undefined): Parsed {
  const commands: Command[] = [];
  const nested: { text: string; offset: number }[] = [];
  let words: Word[] = [];
  let writes: Word[] = [];
  let text = '';
  let start = -1;
  let inWord = false;
  /** What the next word is for: a redirection's target (`write`), an input or fd (`skip`), a heredoc delimiter. */
  let next: 'word' | 'write' | 'skip' | 'heredoc' = 'word';
  let heredocs: { delimiter: string; tabs: boolean }[] = [];
  let heredocTabs = false;

  const endWord = () => {
    if (!inWord) return;
    const w = { text, start };
    if (next === 'write') writes.push(w);
    else if (next === 'heredoc') heredocs.push({ delimiter: text, tabs: heredocTabs });
    else if (next === 'word') words.push(w);
    next = 'word';
    text = '';
    inWord = false;
  };
  const begin = (at: number) => {
    if (!inWord) {
      inWord = true;
      start = at;
    }
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0 || writes.length > 0) commands.push({ words, writes });
    words = [];
    writes = [];
  };
  /** `$…` at i (outside single quotes): appends its value and returns the index after it. */
  const expansion = (i: number): number => {
    const c = src[i + 1] ?? '';
    if (c === '(') {
      if (src[i + 2] === '(') {
        text += DYNAMIC;
        return substitutionEnd(src, i + 2, ')') + 1;
      }
      const end = substitutionEnd(src, i + 1, ')');
      nested.push({ text: src.slice(i + 2, end - 1), offset: i + 2 });
      text += DYNAMIC;
      return end;
    }
    if (c === '{') {
      const end = src.indexOf('}', i + 2);
      const name = src.slice(i + 2, end < 0 ? src.length : end);
      text += /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+)$/.test(name) ? (value(name) ?? DYNAMIC) : DYNAMIC;
      return end < 0 ? src.length : end + 1;
    }
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d|[@*#?$!-])/.exec(src.slice(i + 1));
    if (!m) {
      text += '$';
      return i + 1;
    }
    text += value(m[0]) ?? DYNAMIC;
    return i + 1 + m[0].length;
  };

  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === '\n') {
      endCommand();
      i++;
      // Heredoc bodies begin on the next line: skip each up to its delimiter line.
      for (const h of heredocs) {
        while (i < src.length) {
          const eol = src.indexOf('\n', i);
          const line = src.slice(i, eol < 0 ? src.length : eol);
          i = eol < 0 ? src.length : eol + 1;
          if ((h.tabs ? line.replace(/^\t+/, '') : line) === h.delimiter) break;
        }
      }
      heredocs = [];
    } else if (c === '\\') {
      if (src[i + 1] === '\n') i += 2;
      else {
        begin(i);
        text += src[i + 1] ?? '';
        i += 2;
      }
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '#' && !inWord) {
      const eol = src.indexOf('\n', i);
      i = eol < 0 ? src.length : eol;
    } else if (c === "'") {
      begin(i);
      const end = src.indexOf("'", i + 1);
      text += src.slice(i + 1, end < 0 ? src.length : end);
      i = end < 0 ? src.length : end + 1;
    } else if (c === '"') {
      begin(i);
      i++;
      while (i < src.length && src[i] !== '"') {
        const d = src[i] ?? '';
        if (d === '\\' && /["\\$`\n]/.test(src[i + 1] ?? '')) {
          if (src[i + 1] !== '\n') text += src[i + 1];
          i += 2;
        } else if (d === '$') i = expansion(i);
        else if (d === '`') {
          const end = substitutionEnd(src, i, '`');
          nested.push({ text: src.slice(i + 1, end - 1), offset: i + 1 });
          text += DYNAMIC;
          i = end;
        } else {
          text += d;
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      begin(i);
      i = expansion(i);
    } else if (c === '`') {
      begin(i);
      const end = substitutionEnd(src, i, '`');
      nested.push({ text: src.slice(i + 1, end - 1), offset: i + 1 });
      text += DYNAMIC;
      i = end;
    } else if (c === '>' || c === '<' || (c === '&' && src[i + 1] === '>')) {
      // A word of digits right before is the descriptor, not an argument (`2>/dev/null`).
      if (inWord && /^\d+$/.test(text)) {
        text = '';
        inWord = false;
      } else endWord();
      const op = /^(?:&>>|&>|>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)/.exec(src.slice(i))?.[0] ?? c;
      i += op.length;
      if (op === '<<' || op === '<<-') {
        next = 'heredoc';
        heredocTabs = op === '<<-';
      } else
        next = op === '>' || op === '>>' || op === '>|' || op === '&>' || op === '&>>' ? 'write' : 'skip';
    } else if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      endCommand();
      i += c === ';' && src[i + 1] === ';' ? 2 : 1;
    } else {
      begin(i);
      text += c;
      i++;
    }
  }
  endCommand();
  return { commands, nested };
}

/** Simple `NAME=value` assignments whose value is literal; a name given two values is left out. */
function assignments(src: string, known: (name: string) => string | undefined): Map<string, string> {
  const found = new Map<string, string>();
  const twice = new Set<string>();
  const visit = (p: Parsed) => {
    for (const cmd of p.commands) {
      const words = ['export', 'readonly', 'local', 'declare'].includes(cmd.words[0]?.text ?? '')
        ? cmd.words.slice(1)
        : cmd.words;
      if (words.length !== 1 || cmd.writes.length > 0) continue;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(words[0]?.text ?? '');
      if (!m?.[1]) continue;
      const [, name, v = ''] = m;
      if (v.includes(DYNAMIC) || (found.has(name) && found.get(name) !== v)) twice.add(name);
      else found.set(name, v);
    }
  };
  visit(parse(src, known));
  for (const name of twice) found.delete(name);
  return found;
}

/** The values a shell text can use: positional arguments and its own simple assignments (two passes). */
function scope(
  src: string,
  positional: readonly (string | undefined)[],
): (name: string) => string | undefined {
  const given = (name: string) =>
    /^\d+$/.test(name) && name !== '0' ? positional[Number(name) - 1] : undefined;
  const first = assignments(src, given);
  const second = assignments(src, (n) => given(n) ?? first.get(n));
  return (n) => given(n) ?? second.get(n);
}

const RESERVED = new Set([
  '{',
  '}',
  '!',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  'time',
  'exec',
]);
const PREFIXES = new Set(['sudo', 'nohup', 'command', 'env', 'timeout']);

/** The command's own words: reserved words, leading assignments and wrappers dropped. */
function argv(cmd: Command): Word[] {
  let words = [...cmd.words];
  for (;;) {
    const w = words[0]?.text;
    if (w === undefined) return words;
    if (RESERVED.has(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) words = words.slice(1);
    else if (PREFIXES.has(w)) {
      words = words.slice(1);
      // timeout's duration, env's assignments.
      while (words[0] && (/^-/.test(words[0].text) || /^\d/.test(words[0].text) || /=/.test(words[0].text)))
        words = words.slice(1);
    } else return words;
  }
}

/** Files a command on a node writes, by what the command is (see the module comment). */
function commandTargets(words: readonly Word[]): Word[] {
  const name = (words[0]?.text ?? '').split('/').at(-1) ?? '';
  const args = words.slice(1);
  const operands = (valued: RegExp = /^$/) => {
    const out: Word[] = [];
    for (let k = 0; k < args.length; k++) {
      const t = args[k]?.text ?? '';
      if (t === '--') {
        out.push(...args.slice(k + 1));
        break;
      }
      if (t.startsWith('-') && t.length > 1) {
        if (valued.test(t)) k++;
      } else out.push(args[k] as Word);
    }
    return out;
  };
  switch (name) {
    case 'sed': {
      if (!args.some((a) => /^-[a-zA-Z]*i|^--in-place/.test(a.text))) return [];
      const hasScript = args.some(
        (a) => a.text === '-e' || a.text === '-f' || a.text.startsWith('--expression'),
      );
      const files = operands(/^-[a-zA-Z]*[ef]$|^--expression$|^--file$/);
      return hasScript ? files : files.slice(1);
    }
    case 'tee':
    case 'rm':
    case 'touch':
    case 'mv':
      return operands();
    case 'truncate':
      return operands(/^-[a-zA-Z]*[sr]$/);
    case 'cp':
    case 'install':
    case 'ln': {
      const files = operands(/^-[a-zA-Z]*[mogtS]$|^-t$/);
      return files.slice(-1);
    }
    case 'chmod':
    case 'chown':
    case 'chgrp':
      return operands().slice(1);
    case 'ssh-keygen': {
      const k = args.findIndex((a) => a.text === '-f');
      const file = args[k + 1];
      if (k < 0 || !file) return [];
      return [file, { text: `${file.text}.pub`, start: file.start }];
    }
    default:
      return [];
  }
}

const ignored = (p: string) => /^\/(?:dev|proc|sys)(?:\/|$)/.test(p);
const isPath = (p: string | undefined): p is string =>
  p?.startsWith('/') === true && !/[*?[\]]/.test(p) && !ignored(p);

/** Literal absolute paths a shell line sent to a node writes. */
function nodeShellWrites(line: string, positional: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  const value = scope(line, positional);
  const visit = (text: string) => {
    const p = parse(text, value);
    for (const cmd of p.commands)
      for (const w of [...cmd.writes, ...commandTargets(argv(cmd))]) {
        const t = literal(w);
        if (isPath(t)) out.push(t);
      }
    for (const n of p.nested) visit(n.text);
  };
  visit(line);
  return out;
}

/** What `lab_node_exec NODE …` (or `node exec NODE -- …`) runs there: a shell line or one command. */
function execWrites(rest: readonly Word[]): string[] {
  const shell = (rest[0]?.text ?? '').split('/').at(-1);
  const script = rest.findIndex((w, k) => k > 0 && /^-[a-z]*c[a-z]*$/.test(w.text));
  if ((shell === 'sh' || shell === 'bash') && script > 0) {
    const line = rest[script + 1];
    if (!line) return [];
    // `sh -c LINE NAME ARGS…`: $1 is the first word after NAME.
    return nodeShellWrites(
      line.text,
      rest.slice(script + 3).map((w) => literal(w)),
    );
  }
  return commandTargets(rest)
    .map((w) => literal(w))
    .filter(isPath);
}

/** Every literal node path setup.sh writes, with the node it names and the line. */
export function setupNodeWrites(setup: string): NodeWrite[] {
  const out: NodeWrite[] = [];
  const value = scope(setup, []);
  const lineOf = (at: number) => setup.slice(0, at).split('\n').length;
  const visit = (text: string, offset: number) => {
    const p = parse(text, value);
    for (const cmd of p.commands) {
      const words = cmd.words;
      for (let k = 0; k < words.length; k++) {
        const w = words[k]?.text;
        const at = offset + (words[k]?.start ?? 0);
        const add = (node: Word | undefined, paths: readonly string[]) => {
          for (const path of paths) out.push({ node: literal(node), path, line: lineOf(at) });
        };
        if (w === 'lab_node_write') {
          const path = literal(words[k + 2]);
          if (isPath(path)) add(words[k + 1], [path]);
        } else if (w === 'lab_node_sh') {
          const line = words[k + 2];
          if (line)
            add(
              words[k + 1],
              nodeShellWrites(
                line.text,
                words.slice(k + 3).map((a) => literal(a)),
              ),
            );
        } else if (w === 'lab_node_exec') add(words[k + 1], execWrites(words.slice(k + 2)));
        else if (w === 'node' && words[k + 1]?.text === 'exec') {
          const dash = words.findIndex((a, j) => j > k && a.text === '--');
          const node = words.slice(k + 2, dash < 0 ? undefined : dash).find((a) => !a.text.startsWith('-'));
          if (dash > 0) add(node, execWrites(words.slice(dash + 1)));
        } else if (w === 'node' && words[k + 1]?.text === 'cp') {
          const dest = literal(words.slice(k + 2).find((a) => /^[^/\s:]+:\//.test(a.text)));
          const m = dest ? /^([^/:]+):(\/.*)$/.exec(dest) : null;
          if (m?.[2] && isPath(m[2])) out.push({ node: m[1], path: m[2], line: lineOf(at) });
        }
      }
    }
    for (const n of p.nested) visit(n.text, offset + n.offset);
  };
  visit(setup, 0);
  return out;
}
