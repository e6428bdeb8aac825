// The program half of an exported PyTorch script: training on one process or under torchrun
// (DistributedDataParallel), MC-dropout evaluation with statistics merged across processes, predictions.
// pytorch-script.ts writes the network, its weights and TRAINING above it. Kept as Python text in one
// place so every export (the Train panel, `dropout-lens export`) gets the same program.
//
// The seeding rules, also in the script's docstring and the README:
// - training: every process builds the same model from the embedded weights; the data order is
//   DistributedSampler's (seed + epoch, the same permutation on every process, each taking every K-th
//   row); dropout masks come from torch.manual_seed(seed + rank). The global batch is TRAINING's
//   batchSize, each of K processes taking batchSize / K rows (K must divide it), and batch norm takes its
//   statistics over the global batch, so without dropout DDP's averaged gradient is the one-process step's
//   (when K also divides the training rows: DistributedSampler repeats a few rows to even them out).
// - MC dropout: sample i (its row in the data) draws its T passes' masks after torch.manual_seed(seed + i),
//   whichever process runs it, so 1 and K processes give the same per-sample figures; the totals are sums
//   and counts all-reduced in float64.
export const PYTORCH_RUNNER = String.raw`

STOCHASTIC = (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.AlphaDropout, ClassicDropout, GaussianDropout,
              GaussianNoise, DropConnectLinear)
MAX_CLASSES = 20  # samples listed with every class up to this many classes; above, the 20 most uncertain
ECE_BINS = 15
NLL_FLOOR = 1e-12


def load_weights(model, checkpoint=None):
    """The embedded float32 blob (or a --checkpoint file's state) into the parameters and buffers."""
    if checkpoint:
        model.load_state_dict(read_checkpoint(checkpoint, model))
        return
    blob = torch.frombuffer(bytearray(base64.b64decode(WEIGHTS)), dtype=torch.float32)
    for name, (index, attribute, shape, offset) in WEIGHT_TABLE.items():
        count = math.prod(shape)
        target = getattr(model[index], attribute)
        if list(target.shape) != shape:
            raise ValueError(f"{name}: shape {list(target.shape)} != {shape}")
        with torch.no_grad():
            target.copy_(blob[offset : offset + count].reshape(shape))


def read_checkpoint(path, model):
    """A --checkpoint file's state for this network; a train --out JSON or another network's file is refused."""
    if not os.path.isfile(path):
        fail(f"--weights {path}: no such file")
    with open(path, "rb") as f:
        if f.read(1) == b"{":
            fail(f"--weights {path}: a JSON file (dropout-lens train --out?); this option takes a --checkpoint "
                 "file of this script. Put trained weights in with: dropout-lens export MODEL --weights FILE")
    try:
        state = torch.load(path, map_location="cpu")["model"]
    except Exception as e:  # noqa: BLE001 - pickle, zip and key errors all mean "not our checkpoint"
        fail(f"--weights {path}: not a checkpoint written by --checkpoint ({type(e).__name__}: {e})")
    mine = model.state_dict()
    if list(state) != list(mine) or any(state[k].shape != mine[k].shape for k in mine):
        other = [f"{k} {list(v.shape)}" for k, v in state.items() if k not in mine or v.shape != mine[k].shape]
        fail(f"--weights {path}: a checkpoint of another network ({', '.join(other[:3]) or 'other tensors'})")
    return state


def build(checkpoint=None):
    model = make_model()
    load_weights(model, checkpoint)
    return model.eval()


# ---- processes ----

def start():
    """(rank, world size, device): torchrun's environment, else one process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    rank = dist.get_rank() if world > 1 else 0
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    return rank, world, device


def all_sum(values, world, device):
    """Element-wise sums over the processes, in float64."""
    total = torch.tensor(values, dtype=torch.float64, device=device)
    if world > 1:
        dist.all_reduce(total)
    return total.tolist()


# ---- training ----

class GlobalBatchNorm(nn.Module):
    """Batch norm over the global batch of all processes on CPU, where torch.nn.SyncBatchNorm does not run
    (it takes CUDA tensors only): per-channel sums and counts, then squared deviations, all-reduced with
    torch.distributed.nn's differentiable all_reduce, so K processes normalise as one process does. It
    shares the wrapped layer's parameters and running statistics; eval mode is the wrapped layer's."""

    def __init__(self, bn):
        super().__init__()
        self.bn = bn

    def forward(self, x):
        bn = self.bn
        if not self.training:
            return bn(x)
        axes = [0] + list(range(2, x.dim()))
        view = [1, -1] + [1] * (x.dim() - 2)
        n = all_sum([x.numel() // x.shape[1]], dist.get_world_size(), x.device)[0]
        mean = dist_nn.all_reduce(x.sum(axes)) / n
        var = dist_nn.all_reduce(((x - mean.view(view)) ** 2).sum(axes)) / n
        with torch.no_grad():
            m = bn.momentum
            bn.running_mean.mul_(1 - m).add_(m * mean)
            bn.running_var.mul_(1 - m).add_(m * var * n / max(1, n - 1))
            bn.num_batches_tracked.add_(1)
        return (x - mean.view(view)) / (var.view(view) + bn.eps).sqrt() * bn.weight.view(view) + bn.bias.view(view)


def synced(net, device):
    """net's batch norms over the global batch under DDP: SyncBatchNorm with CUDA, GlobalBatchNorm on CPU."""
    if device.type == "cuda":
        return nn.SyncBatchNorm.convert_sync_batchnorm(net)
    for i, m in enumerate(net):
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            net[i] = GlobalBatchNorm(m)
    return net


def logits_of(model):
    """What the loss sees: the network without the softmax the loss absorbed. A new Sequential of the same
    modules, so swapping one in it (synced) leaves the model and its checkpoints' names as they are."""
    return model[:-1] if SOFTMAX_APPENDED else model[:]


def classes_of(model):
    with torch.no_grad():
        device = next(model.parameters(), torch.empty(0)).device
        return model.eval()(torch.zeros(1, *INPUT_SHAPE, device=device)).shape[-1]


def optimizer_of(model):
    """TRAINING's optimizer; L2 decay (coupled, as torch.optim's weight_decay) on weights, not on biases
    or normalisation parameters."""
    spec = TRAINING["optimizer"]
    decay = [m.weight for m in model if isinstance(m, (nn.Linear, nn.Conv2d))]
    rest = [p for p in model.parameters() if all(p is not w for w in decay)]
    groups = [{"params": decay, "weight_decay": TRAINING.get("l2", 0)}, {"params": rest, "weight_decay": 0}]
    if spec["type"] == "sgd":
        return torch.optim.SGD(groups, lr=spec["learningRate"], momentum=spec.get("momentum", 0))
    return torch.optim.Adam(groups, lr=spec.get("learningRate", 1e-3),
                            betas=(spec.get("beta1", 0.9), spec.get("beta2", 0.999)), eps=spec.get("epsilon", 1e-8))


def max_norm(model, c):
    """Rescales each unit's incoming weights whose L2 norm exceeds c (Srivastava et al. 2014)."""
    with torch.no_grad():
        for m in model:
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                rows = m.weight.view(m.weight.shape[0], -1)
                rows.mul_((c / rows.norm(dim=1, keepdim=True)).clamp(max=1))


def loss_of(out, y):
    if TRAINING.get("loss") == "mse":
        return nn.functional.mse_loss(out, nn.functional.one_hot(y, out.shape[1]).to(out.dtype), reduction="sum") / out.shape[1]
    return nn.functional.cross_entropy(out, y, reduction="sum")


def evaluate(net, x, y, rank, world, device):
    """Validation loss and accuracy, every process taking every K-th row, sums all-reduced."""
    net.eval()
    loss = correct = 0.0
    with torch.no_grad():
        for start_row in range(rank, len(x), 256 * world):
            rows = torch.arange(start_row, min(len(x), start_row + 256 * world), world)
            out = net(x[rows].to(device))
            loss += loss_of(out, y[rows].to(device)).item()
            correct += (out.argmax(1).cpu() == y[rows]).sum().item()
    loss, correct = all_sum([loss, correct], world, device)
    return loss / len(x), correct / len(x)


def train(args, model, rank, world, device):
    x, y = read_data(args.train)
    if y is None:
        fail(f"{args.train}: training needs labels (a {TRAINING.get('labelColumn', 'label')!r} column)")
    if TRAINING["batchSize"] % world:
        fail(f"{world} processes cannot split the batch of {TRAINING['batchSize']} evenly: choose a number of "
             "processes that divides it, so each step is the one-process step")
    classes = classes_of(model)
    check_labels(y, classes, args.train)
    if args.val:
        vx, vy = read_data(args.val)
        if vy is None:
            fail(f"{args.val}: validation needs labels")
        check_labels(vy, classes, args.val)
    else:
        # Not the engine's split (another generator), the same fraction from the same seed.
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(args.seed))
        held = round(len(x) * TRAINING.get("validationSplit", 0.2))
        vx, vy, x, y = x[order[:held]], y[order[:held]], x[order[held:]], y[order[held:]]
    epochs = TRAINING["epochs"] if args.epochs is None else args.epochs
    batch = TRAINING["batchSize"] // world
    sampler = DistributedSampler(range(len(x)), num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    net = logits_of(model).to(device)
    if world > 1:
        has_bn = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in net)
        step_net = DistributedDataParallel(synced(net, device) if has_bn else net,
                                           device_ids=[device.index] if device.type == "cuda" else None)
    else:
        step_net = net
    optimizer = optimizer_of(net)
    torch.manual_seed(args.seed + rank)
    for epoch in range(epochs):
        for m in model:
            if isinstance(m, Scheduled):
                m.on = m.active(epoch)
        sampler.set_epoch(epoch)
        rows = torch.tensor(list(sampler))
        net.train()
        loss = correct = seen = 0.0
        for b in range(0, len(rows), batch):
            index = rows[b : b + batch]
            xb, yb = x[index].to(device), y[index].to(device)
            out = step_net(xb)
            batch_loss = loss_of(out, yb)
            optimizer.zero_grad()
            (batch_loss / len(index)).backward()
            optimizer.step()
            if "maxNorm" in TRAINING:
                max_norm(net, TRAINING["maxNorm"])
            loss += batch_loss.item()
            correct += (out.argmax(1) == yb).sum().item()
            seen += len(index)
        loss, correct, seen = all_sum([loss, correct, seen], world, device)
        val_loss, val_acc = evaluate(net, vx, vy, rank, world, device) if len(vx) else (None, None)
        if rank == 0:
            if args.checkpoint:
                # Written by one process, replaced whole: a reader never sees half a file.
                torch.save({"epoch": epoch + 1, "model": model.state_dict()}, args.checkpoint + ".tmp")
                os.replace(args.checkpoint + ".tmp", args.checkpoint)
            print(json.dumps({"run": "dropout", "epoch": epoch + 1, "trainLoss": loss / seen, "trainAcc": correct / seen,
                              "valLoss": val_loss, "valAcc": val_acc}), flush=True)
    for m in model:
        if isinstance(m, Scheduled):
            m.on = True


# ---- MC dropout ----

def entropy(p):
    return -(p * torch.where(p > 0, p.log(), torch.zeros_like(p))).sum(-1)


def mc(args, model, rank, world, device):
    """T passes per sample with every dropout-family layer random and batch norm in inference mode."""
    if not any(isinstance(m, STOCHASTIC) and getattr(m, "p", getattr(m, "sigma", 0)) > 0 for m in model.modules()):
        # Exit 1 with the rule's message, as dropout-lens mc does: T identical passes would report 0 variance.
        print(f"{sys.argv[0]}: mc-no-stochastic-layer: the model has no dropout-family layer with a rate above 0, "
              "so every MC pass would give the same output and the variance would be exactly 0", file=sys.stderr)
        sys.exit(1)
    x, y = read_data(args.data)
    check_labels(y, classes_of(model), args.data)
    model.to(device).eval()
    for m in model.modules():
        if isinstance(m, STOCHASTIC):
            m.train(True)
        if isinstance(m, DropConnectLinear):
            m.per_row = True  # the T rows of a sample are T passes: one weight mask each
    passes = args.mc
    totals = [0.0] * 6 + [0.0] * (3 * ECE_BINS)  # n, correct, nll, entropy, mutual information, variance; bins
    samples = []
    with torch.no_grad():
        for i in range(rank, len(x), world):
            torch.manual_seed(args.seed + i)
            out = model(x[i : i + 1].expand(passes, *INPUT_SHAPE).contiguous().to(device)).double().cpu()
            p = out if isinstance(model[-1], nn.Softmax) else out.softmax(-1)
            mean, variance = p.mean(0), p.var(0, unbiased=False)
            h = entropy(mean).item()
            mi = max(0.0, h - entropy(p).mean().item())
            pred = int(mean.argmax())
            label = -1 if y is None else int(y[i])
            totals[0] += 1
            totals[3] += h
            totals[4] += mi
            totals[5] += variance.mean().item()
            if label >= 0:
                confidence = mean[pred].item()
                totals[1] += pred == label
                totals[2] -= math.log(max(mean[label].item(), NLL_FLOOR))
                b = 6 + 3 * min(ECE_BINS - 1, max(0, math.ceil(confidence * ECE_BINS) - 1))
                totals[b] += 1
                totals[b + 1] += confidence
                totals[b + 2] += pred == label
            samples.append({"index": i, "label": label, "pred": pred, "mean": mean.tolist(), "entropy": h,
                            "mutualInfo": mi, "variance": variance.tolist()})
    totals = all_sum(totals, world, device)
    if world > 1:
        gathered = [None] * world
        dist.all_gather_object(gathered, samples)
        samples = [s for part in gathered for s in part]
    if rank != 0:
        return
    n = totals[0]
    samples.sort(key=lambda s: s["index"])
    if samples and len(samples[0]["mean"]) > MAX_CLASSES:
        samples = sorted(samples, key=lambda s: -s["entropy"])[:MAX_CLASSES]
        for s in samples:
            s["classes"] = sorted(range(len(s["mean"])), key=lambda j: -s["mean"][j])[:MAX_CLASSES]
            s["mean"] = [s["mean"][j] for j in s["classes"]]
            s["variance"] = [s["variance"][j] for j in s["classes"]]
    labelled = y is not None and n > 0
    bins = [totals[6 + 3 * b : 9 + 3 * b] for b in range(ECE_BINS)]
    ece = sum(c / n * abs(hit / c - conf / c) for c, conf, hit in bins if c > 0) if labelled else None
    # Unlabelled data have no accuracy, NLL or ECE: the keys are left out, as in dropout-lens mc --json.
    scores = {"accuracy": totals[1] / n, "nll": totals[2] / n, "ece": ece} if labelled else {}
    print(json.dumps({"passes": passes, "n": int(n), **scores, "meanEntropy": totals[3] / n,
                      "meanMutualInfo": totals[4] / n, "meanVariance": totals[5] / n, "samples": samples,
                      "labelled": labelled, "processes": world, "data": args.data}))


def at_least_one(text):
    """argparse type: an integer >= 1 (0 epochs or passes would print nothing and look like success)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: must be 1 or more")
    return value


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--predict", metavar="ROWS_JSON", help="JSON list of raw input rows; prints the predictions as JSON")
    parser.add_argument("--train", metavar="DATA", help="train on a CSV, .npy/.npz or image folder (see above)")
    parser.add_argument("--val", metavar="DATA", help="validation data (default: TRAINING's validationSplit of --train)")
    parser.add_argument("--epochs", type=at_least_one, help=f"epochs (default {TRAINING['epochs']})")
    parser.add_argument("--checkpoint", metavar="FILE", help="--train: save the model after every epoch (process 0)")
    parser.add_argument("--weights", metavar="FILE", help="start from a --checkpoint file, not the embedded weights")
    parser.add_argument("--mc", type=at_least_one, metavar="T", help="MC-dropout evaluation with T passes on --data; prints JSON")
    parser.add_argument("--data", metavar="DATA", help="--mc: the samples (CSV, .npy/.npz or image folder)")
    parser.add_argument("--seed", type=int, default=TRAINING["seed"], help=f"default {TRAINING['seed']}")
    args = parser.parse_args()
    if args.mc is not None and not args.data:
        parser.error("--mc T needs --data")
    model = build(args.weights)
    if args.train or args.mc:
        rank, world, device = start()
        try:
            if args.train:
                train(args, model, rank, world, device)
            if args.mc:
                mc(args, model, rank, world, device)
        finally:
            if world > 1:
                dist.destroy_process_group()
    elif args.predict:
        with open(args.predict) as f:
            rows = torch.tensor(json.load(f), dtype=torch.float32).reshape(-1, *INPUT_SHAPE)
        with torch.no_grad():
            print(json.dumps(model(rows).tolist()))
    else:
        print(model)
`;
