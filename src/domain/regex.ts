import { RE2JS } from 're2js';

/**
 * The regular expressions of the `matches` and `notmatches` ops. They run on RE2 (re2js, a pure
 * JavaScript port: linear time in the input, no native build), never on the backtracking
 * RegExp, because the pattern is the author's but the text is the learner's: `^(a+)+$` against
 * 45 `a`s and a `b` held Node's event loop for 111 s, out of reach of every time limit.
 *
 * RE2 has no lookaround and no backreferences; `validate` says so. It also refuses patterns with
 * a repeated group that itself repeats (`(a+)+`, `(\w*\s?)*`): harmless here, but the same
 * pattern hangs `grep -P`, JavaScript and most tools an author or learner tries it in.
 */

const cache = new Map<string, RE2JS>();

function compiled(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern, RE2JS.MULTILINE);
    if (cache.size > 256) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** Whether `pattern` matches anywhere in `text` (multi-line: `^` and `$` at each line). Linear time. */
export function regexFind(pattern: string, text: string): boolean {
  return compiled(pattern).matcher(text).find();
}

/**
 * A group repeated without bound whose body also repeats without bound: the shape of
 * catastrophic backtracking. Scans the pattern's text, minding escapes and character classes.
 */
function nestedRepetition(pattern: string): string | undefined {
  type Group = { start: number; repeats: boolean };
  const stack: Group[] = [];
  let inClass = false;
  const unbounded = (i: number) => {
    const c = pattern[i];
    if (c === '*' || c === '+') return true;
    if (c !== '{') return false;
    return /^\{\d*,\}/.test(pattern.slice(i));
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(') stack.push({ start: i, repeats: false });
    else if (c === ')') {
      const group = stack.pop();
      if (!group) continue;
      if (group.repeats && unbounded(i + 1)) return pattern.slice(group.start, i + 2);
      const parent = stack[stack.length - 1];
      if (parent && (group.repeats || unbounded(i + 1))) parent.repeats = true;
    } else if (unbounded(i)) {
      const top = stack[stack.length - 1];
      if (top) top.repeats = true;
    }
  }
  return undefined;
}

/** Why `pattern` cannot be a check's regular expression, or undefined when it can. */
export function regexProblem(pattern: string): string | undefined {
  try {
    compiled(pattern);
  } catch (error) {
    const why = (error as Error).message.replace(/^error parsing regexp: /, '');
    return `not a valid regular expression (RE2 syntax: no lookaround or backreferences): ${why}`;
  }
  const nested = nestedRepetition(pattern);
  if (nested)
    return `\`${nested}\` repeats a group that itself repeats: catastrophic backtracking in grep -P, JavaScript and most tools (write it without the nested repetition)`;
  return undefined;
}
