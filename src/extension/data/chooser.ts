// One panel's data chooser on the extension side: offers the data sets with the one that fits the model
// selected (see core/data/fit.ts), adds a file the user picks with Browse…, checks each pick the page
// sends against what it offered, and remembers the data a model was last run with (workspace state).
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { defaultData } from '../../core/data/fit';
import {
  specBase,
  type BrowseTarget,
  type DataChoice,
  type DataChoiceKind,
  type DataOffer,
  type DataPick,
} from '../../protocol/data-choice';
import { shapeText } from '../../protocol/preprocessing';
import type { ModelInput } from '../../protocol/worker';
import type { WorkerHost } from '../worker-host';
import { browseFilters, builtinChoices, fileChoice, workspaceChoices } from './choices';
import { checkPick, dataPickOf, jobDataFor, labelName, type TrainingData } from './pick';

let memory: vscode.Memento | undefined;

/** Data in rows of numbers: what every panel's jobs read. */
const TABLES: readonly DataChoiceKind[] = ['builtin', 'synthetic', 'csv'];

/** Where the data each model last ran with is kept (the workspace's state, set once at start). */
export function keepDataPicksIn(memento: vscode.Memento): void {
  memory = memento;
}

export class DataChooser {
  private offered: DataChoice[] = [];
  /** The offer being made: a pick that comes meanwhile (a restored page runs at once) waits for it. */
  private pending: Promise<unknown> = Promise.resolve();
  /** The model's own training data as last offered. */
  private training?: TrainingData;
  /** Files the user picked with Browse…: offered from then on. */
  private readonly browsed = new Set<string>();
  /** What the worker read of the model at the last offer (empty when it could not read it). */
  input: Partial<ModelInput> = {};

  /** `kinds`: the data the panel's jobs read (training reads tables; MC also arrays and images). */
  constructor(
    private readonly model: vscode.Uri,
    private readonly worker: WorkerHost,
    private readonly log: vscode.LogOutputChannel,
    private readonly kinds: readonly DataChoiceKind[] = TABLES,
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
  offer(selected?: string): Promise<DataOffer> {
    const offer = this.makeOffer(selected);
    this.pending = offer.catch(() => undefined);
    return offer;
  }

  private async makeOffer(selected?: string): Promise<DataOffer> {
    const input = await this.modelInput();
    const remembered = memory?.get<DataPick>(this.key);
    const training = input.data === undefined ? undefined : specBase(input.data);
    const choices = [...(await builtinChoices()), ...(await workspaceChoices(this.log, this.kinds))];
    // The model's own CSV, the one last run with and those browsed to may lie outside the workspace.
    for (const path of [training, remembered?.data, ...this.browsed]) {
      if (!path || !isAbsolute(path) || choices.some((c) => c.spec === path)) continue;
      const choice = await fileChoice(path, this.log, this.kinds);
      if (choice) choices.push(choice);
    }
    this.offered = choices;
    const trainingColumns = choices.find((c) => c.spec === training)?.columns;
    const trainingLabel = labelName(input.labelColumn, trainingColumns);
    this.training =
      training === undefined
        ? undefined
        : { data: training, ...(trainingLabel !== undefined ? { labelColumn: trainingLabel } : {}) };
    const pick =
      selected ?? defaultData(choices, { width: input.width, remembered: remembered?.data, training });
    const labelColumn =
      pick === remembered?.data ? remembered?.labelColumn : pick === training ? trainingLabel : undefined;
    return {
      choices,
      ...(pick !== undefined ? { selected: pick } : {}),
      ...(labelColumn !== undefined ? { labelColumn } : {}),
      ...(pick === undefined && input.preprocessing
        ? {
            message: `The model takes images (input ${input.inputShape ? shapeText(input.inputShape) : 'an image'}): Browse for a folder of images (one subfolder a class), or for a .npy/.npz file.`,
          }
        : pick === undefined && input.width !== undefined
          ? {
              message: `No data with ${input.width} features: Browse… for a CSV file with ${input.width} feature columns and a label column.`,
            }
          : {}),
    };
  }

  /** The offer, or when it cannot be made an empty one that says why (the page shows it, not "Loading…"). */
  async offerOrError(): Promise<DataOffer> {
    try {
      return await this.offer();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Data for ${this.model.fsPath}: ${message}`);
      return { choices: [], message: `The data could not be listed (${message}): Browse… for a CSV file.` };
    }
  }

  /**
   * Lets the user pick a data file (or a folder of images) anywhere; the offer then has it selected
   * (undefined if dismissed).
   */
  async browse(target: BrowseTarget = 'file'): Promise<DataOffer | undefined> {
    const [uri] =
      (await vscode.window.showOpenDialog(
        target === 'folder'
          ? {
              canSelectMany: false,
              canSelectFiles: false,
              canSelectFolders: true,
              openLabel: 'Use these images',
              title: 'A folder of images (one subfolder a class)',
            }
          : {
              canSelectMany: false,
              openLabel: 'Use as data',
              title: 'Data for the model',
              filters: browseFilters(this.kinds),
            },
      )) ?? [];
    if (!uri) return undefined;
    this.browsed.add(uri.fsPath);
    return this.offer(uri.fsPath);
  }

  /**
   * Only offered data: a built-in set, a workspace file or one picked with Browse…, and its own columns
   * (against the offer being made, when one is under way).
   */
  async check(pick: DataPick): Promise<void> {
    await this.pending;
    checkPick(this.offered, pick);
  }

  /** The kind of an offered pick (an image folder takes preprocessing). */
  kindOf(pick: DataPick): DataChoice['kind'] | undefined {
    return this.offered.find((c) => c.spec === specBase(pick.data))?.kind;
  }

  /** Keeps the pick as this model's data (asked when the user runs with it). */
  remember(pick: DataPick): void {
    const kept = dataPickOf(pick);
    void memory?.update(this.key, { ...kept, data: specBase(kept.data) });
  }

  /** What a job is given for the pick (see jobDataFor). */
  jobData(pick: DataPick): Partial<DataPick> {
    return jobDataFor(this.training, pick);
  }
}
