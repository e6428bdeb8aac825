// One panel's data chooser on the extension side: offers the data sets with the one that fits the model
// selected (see core/data/fit.ts), adds a file the user picks with Browse…, checks each pick the page
// sends against what it offered, and remembers the data a model was last run with (workspace state).
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { defaultData } from '../../core/data/fit';
import type { DataChoice, DataOffer, DataPick } from '../../protocol/data-choice';
import type { ModelInput } from '../../protocol/worker';
import type { WorkerHost } from '../worker-host';
import { browseFilters, builtinChoices, fileChoice, workspaceChoices } from './choices';

let memory: vscode.Memento | undefined;

/** Where the data each model last ran with is kept (the workspace's state, set once at start). */
export function keepDataPicksIn(memento: vscode.Memento): void {
  memory = memento;
}

const base = (spec: string) => spec.split('?')[0] ?? spec;

export class DataChooser {
  private offered: DataChoice[] = [];
  /** Files the user picked with Browse…: offered from then on. */
  private readonly browsed = new Set<string>();
  /** What the worker read of the model at the last offer (empty when it could not read it). */
  input: Partial<ModelInput> = {};

  constructor(
    private readonly model: vscode.Uri,
    private readonly worker: WorkerHost,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private get key(): string {
    return `dropoutLens.data:${this.model.fsPath}`;
  }

  /** The model's input width and training defaults, read in the worker (the model may be large). */
  private async modelInput(): Promise<Partial<ModelInput>> {
    const input = await this.worker.run('modelInput', { model: this.model.fsPath }, () => undefined);
    if ('error' in input) this.log.warn(`Data: ${input.error}`);
    return (this.input = 'error' in input ? {} : input);
  }

  /** The choices with the default selected (or `selected`, a file just picked with Browse…). */
  async offer(selected?: string): Promise<DataOffer> {
    const input = await this.modelInput();
    const remembered = memory?.get<DataPick>(this.key);
    const training = input.data === undefined ? undefined : base(input.data);
    const choices = [...builtinChoices(), ...(await workspaceChoices(this.log))];
    // The model's own CSV, the one last run with and those browsed to may lie outside the workspace.
    for (const path of [training, remembered?.data, ...this.browsed]) {
      if (!path || !isAbsolute(path) || choices.some((c) => c.spec === path)) continue;
      const choice = fileChoice(path, this.log);
      if (choice) choices.push(choice);
    }
    this.offered = choices;
    const pick =
      selected ?? defaultData(choices, { width: input.width, remembered: remembered?.data, training });
    const labelColumn =
      pick === remembered?.data ? remembered?.labelColumn : pick === training ? input.labelColumn : undefined;
    return {
      choices,
      ...(pick !== undefined ? { selected: pick } : {}),
      ...(labelColumn !== undefined ? { labelColumn } : {}),
      ...(pick === undefined && input.width !== undefined
        ? {
            message: `No data with ${input.width} features: Browse… for a CSV file with ${input.width} feature columns and a label column.`,
          }
        : {}),
    };
  }

  /** Lets the user pick a data file anywhere; the offer then has it selected (undefined if dismissed). */
  async browse(): Promise<DataOffer | undefined> {
    const [uri] =
      (await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Use as data',
        title: 'Data for the model',
        filters: browseFilters(),
      })) ?? [];
    if (!uri) return undefined;
    this.browsed.add(uri.fsPath);
    return this.offer(uri.fsPath);
  }

  /** Only offered data: a built-in set, a workspace file or one picked with Browse…, and its own columns. */
  check(pick: DataPick): void {
    const choice = this.offered.find((c) => c.spec === base(pick.data));
    if (!choice)
      throw new Error(`unknown data "${pick.data}": pick data from the list, or Browse… for a file`);
    if (pick.labelColumn !== undefined && !choice.columns?.includes(pick.labelColumn))
      throw new Error(`${choice.label} has no column "${pick.labelColumn}"`);
  }

  /** Keeps the pick as this model's data (asked when the user runs with it). */
  remember(pick: DataPick): void {
    void memory?.update(this.key, { ...pick, data: base(pick.data) });
  }

  /**
   * What a job is given: nothing for the model's own training data (the job reads it as the training
   * block names it, with its options and the split its weights were trained on), else the pick.
   */
  jobData(pick: DataPick): Partial<DataPick> {
    const training = this.input.data;
    if (training !== undefined && pick.data === base(training) && pick.labelColumn === undefined) return {};
    return pick;
  }
}
