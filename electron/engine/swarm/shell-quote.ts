// Quoting an argument so a shell passes it through unchanged: POSIX sh (single quotes, a quote
// inside as '\'' ) and PowerShell (single quotes, a quote inside doubled). Nothing a user typed
// can end the quoting: both forms treat everything between the quotes literally. Control and
// bidi characters stay what they are (the UI shows them visibly, see CliCommands.vue).

const POSIX_SAFE = /^[A-Za-z0-9_\/.:=@%+,-]+$/;
// PowerShell also gives meaning to , ; { } ( ) $ ` and quotes, and to @ at the start (splatting).
const POWERSHELL_SAFE = /^[A-Za-z0-9_\/.:=%+-][A-Za-z0-9_\/.:=@%+-]*$/;

export function quotePosix(arg: string): string {
  return arg !== '' && POSIX_SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Single quotes in PowerShell: no $ or ` expansion; a ' inside (or one of its typographic twins, which PowerShell also takes as a quote) is doubled. */
export function quotePowerShell(arg: string): string {
  return arg !== '' && POWERSHELL_SAFE.test(arg) ? arg : `'${arg.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}
