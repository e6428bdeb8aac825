// Offsets to 1-based line/column pairs: the one projection behind the CLI's text and JSON output, SARIF
// regions and the editor's diagnostics and quick-fix edits, so all of them place a finding alike.
// Lines end at CRLF, LF or a lone CR, as in VS Code's text model (and SARIF with the newline sequences
// our log declares); columns count UTF-16 code units, as VS Code positions and JavaScript strings do.

export interface LineColumn {
  line: number;
  column: number;
}

export class LineMap {
  /** Offset where each line starts, and where its text ends (before the line break). */
  private readonly starts: number[] = [0];
  private readonly ends: number[] = [];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.ends.push(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      this.starts.push(i + 1);
    }
    this.ends.push(text.length);
  }

  /**
   * 1-based line and column of an offset. An offset inside a CRLF pair or past the end is placed at the
   * end of its line, as VS Code's positionAt does.
   */
  at(offset: number): LineColumn {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.starts[lo] as number;
    const end = this.ends[lo] as number;
    return { line: lo + 1, column: Math.min(Math.max(offset, start), end) - start + 1 };
  }
}
