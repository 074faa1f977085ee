export { CommandPaletteProvider } from './CommandPaletteProvider.tsx';
export { MacroPicker } from './MacroPicker.tsx';
export { useCommandPalette, type CommandPaletteContext, type CommandPaletteControls } from './palette-context.ts';
export type { Macro, MacroAction, MacroApplication, FailedStep } from './palette-api.ts';
