// Messages between the model view and its layout Web Worker (the layered layout runs there, off the UI thread).
export interface LayoutRequest {
  id: number;
  nodes: { id: string; width: number; height: number }[];
  edges: [from: string, to: string][];
}

export interface Point {
  x: number;
  y: number;
}

export type LayoutResponse =
  | {
      id: number;
      width: number;
      height: number;
      /** Node centres. */
      nodes: (Point & { id: string })[];
      edges: { from: string; to: string; points: Point[] }[];
    }
  | { id: number; error: string };
