/** The styles the stylish report uses (src/cli/color.ts paints with util.styleText); NO_PAINT leaves text as it is. */
export interface Paint {
  red: (text: string) => string;
  yellow: (text: string) => string;
  blue: (text: string) => string;
  green: (text: string) => string;
  bold: (text: string) => string;
  dim: (text: string) => string;
}

const plain = (text: string): string => text;

export const NO_PAINT: Paint = { red: plain, yellow: plain, blue: plain, green: plain, bold: plain, dim: plain };
