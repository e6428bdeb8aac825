// What a model's output is, for any runtime: a softmax output is probabilities as it is, several other
// units are logits (softmaxed), and one unit is a binary classifier, [1 − p, p] with p the unit itself
// after a sigmoid or its sigmoid otherwise (a logit, as Keras's from_logits heads give).

export interface OutputKind {
  classes: number;
  /** The runtime hands on probabilities (false: logits, softmaxed later). */
  probabilities: boolean;
  /** One output unit: a probability (after a sigmoid) or a logit. */
  binary?: 'probability' | 'logit';
}

/** The kind of an output `width` units wide made by `activation` ("softmax", "sigmoid", …). */
export function outputKindOf(width: number, activation: string | undefined): OutputKind {
  if (width === 1)
    return { classes: 2, probabilities: true, binary: activation === 'sigmoid' ? 'probability' : 'logit' };
  return { classes: width, probabilities: activation === 'softmax' };
}
