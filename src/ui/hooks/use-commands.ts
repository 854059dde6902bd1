import { useInput } from 'ink';
import { type Command, commandFor, type Mode } from '../keys.js';

/**
 * useInput through the key table: the handler gets the command a key means in `mode` (or
 * undefined, with the raw input, for keys the table does not name, e.g. filter text).
 */
export function useCommands(
  mode: Mode,
  handler: (command: Command | undefined, input: string) => void,
  isActive = true,
): void {
  useInput(
    (input, key) => {
      handler(commandFor(mode, input, key), input);
    },
    { isActive },
  );
}
