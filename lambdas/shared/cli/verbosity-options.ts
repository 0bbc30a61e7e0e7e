import { Option } from 'commander';

/** `--quiet`, `--verbose` (refused together: a usage error, exit 2) and `--no-color`. */
export function verbosityOptions(): Option[] {
  return [
    new Option('--quiet', 'no progress and no informational lines on stderr (errors still go there)').conflicts(
      'verbose',
    ),
    new Option('--verbose', 'progress as timestamped lines (also into pipes and CI), and what is read from where'),
    colourOption(),
  ];
}

/** `--no-color`: no colour even on a terminal (`NO_COLOR` set to anything but empty does the same). */
export function colourOption(): Option {
  return new Option('--no-color', 'never colour the table or stderr (also NO_COLOR=1)');
}
