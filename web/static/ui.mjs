// Drawing scales the page shares: presentation mode (a11y.mjs) sets them,
// the landscape panels and the curve plots read them when they draw.

export const ui = {
  line: 1, // multiplies line widths and marker sizes
  font: 1, // multiplies canvas font sizes and the margins that hold them
};

/** px scales a font size for the canvas: "13px" at font 1, "21px" at 1.6. */
export const px = (size) => `${Math.round(size * ui.font)}px`;
