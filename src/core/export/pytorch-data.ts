// The data half of an exported PyTorch script: CSV, .npy/.npz and image-folder readers that refuse what
// the product's own loaders refuse (src/core/data/csv.ts, arrays/array-stream.ts) with a message naming the
// file, line and column, instead of a Python traceback. Python text, joined in by pytorch-script.ts.
export const PYTORCH_DATA = String.raw`

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
LABEL_LIMIT = 10_000  # more classes than this is a column of ids or measurements (as the product's CSV reader)


def fail(message):
    print(f"{sys.argv[0]}: {message}", file=sys.stderr)
    sys.exit(2)


def number(text, where, column):
    """A finite float32 cell, else a message naming its line, column and content."""
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        fail(f"{where}: column {column!r} holds {text[:40]!r}, not a number")
    if not math.isfinite(numpy.float32(v)):
        fail(f"{where}: column {column!r} holds {text[:40]}, too large for a 32-bit float")
    return v


def class_index(v, where):
    if v != int(v) or not 0 <= v < LABEL_LIMIT:
        fail(f"{where}: label {v:g} is not a class index (0, 1, 2, ... below {LABEL_LIMIT})")
    return int(v)


# ---- data: (x [n, *INPUT_SHAPE] float32, y [n] int64 or None) ----

def read_csv(path):
    """A header row, numeric features, the class column TRAINING names (default "label"; absent: unlabelled
    unless TRAINING names it). Blank lines are skipped; every row has the header's columns."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next((r for r in reader if any(c.strip() for c in r)), None)
        if header is None:
            fail(f"{path}:1: the first line must be a header row (the file is empty)")
        header = [h.strip() for h in header]
        column = TRAINING.get("labelColumn", "label")
        label = column if isinstance(column, int) else header.index(column) if column in header else None
        if label is None and "labelColumn" in TRAINING or label is not None and not 0 <= label < len(header):
            fail(f"{path}:1: no {column!r} column in the header (columns: {', '.join(header)})")
        x, y = [], []
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            line = reader.line_num
            if len(row) != len(header):
                fail(f"{path}:{line}: {len(row)} columns, the header has {len(header)}")
            values = [number(c.strip(), f"{path}:{line}:{j + 1}", header[j]) for j, c in enumerate(row)]
            x.append([v for j, v in enumerate(values) if j != label])
            if label is not None:
                y.append(class_index(values[label], f"{path}:{line}:{label + 1}"))
    if not x:
        fail(f"{path}:2: no data rows after the header")
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y) if label is not None else None


def read_images(folder):
    """torchvision's ImageFolder layout: class subfolders in name order are labels 0..C-1. Each image is
    resized to the input's height and width with Pillow's bilinear filter, scaled to [0, 1], channels first."""
    from PIL import Image

    if len(INPUT_SHAPE) != 3:
        fail(f"{folder}: image folders need an image input [C, H, W], not {INPUT_SHAPE}")
    channels, height, width = INPUT_SHAPE
    classes = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
    xs, ys = [], []
    for label, name in enumerate(classes):
        for root, _, files in sorted(os.walk(os.path.join(folder, name))):
            for file in sorted(f for f in files if f.lower().endswith(IMAGE_SUFFIXES)):
                image = Image.open(os.path.join(root, file)).convert("L" if channels == 1 else "RGB")
                pixels = numpy.asarray(image.resize((width, height), Image.BILINEAR), dtype="float32") / 255
                xs.append(torch.from_numpy(pixels).reshape(height, width, -1).permute(2, 0, 1))
                ys.append(label)
    if not xs:
        fail(f"{folder}: no PNG or JPEG images in class subfolders")
    return torch.stack(xs), torch.tensor(ys)


def shape_fits(data, model):
    """The product's sampleShapeFits: equal once axes of 1 are dropped, or either flat with as many values."""
    if math.prod(data) != math.prod(model):
        return False
    a, b = [d for d in data if d != 1], [d for d in model if d != 1]
    return len(a) <= 1 or len(b) <= 1 or a == b


def samples_in(shape, path):
    """How many samples an array of shape holds (the product's samplesIn): its first axis when the rest is
    the model's input, else one when the whole array is; other layouts are refused, not reshaped."""
    rest = list(shape[1:])
    if len(shape) >= 1 and shape_fits(rest, INPUT_SHAPE):
        return shape[0]
    if shape_fits(list(shape), INPUT_SHAPE):
        return 1
    shown = ", ".join(map(str, rest))
    if math.prod(rest) == math.prod(INPUT_SHAPE):
        fail(f"{path}: samples of shape ({shown}) are laid out unlike the model's input {INPUT_SHAPE}; save them "
             "in that shape (an NHWC array for an NCHW model is transposed with numpy.transpose(x, (0, 3, 1, 2)))")
    fail(f"{path}: samples of shape ({shown}) have {math.prod(rest)} values, "
         f"the model's input {INPUT_SHAPE} needs {math.prod(INPUT_SHAPE)}")


def read_labels(values, count, path):
    """The product's readLabels: integers shaped (N,) or (N, 1), or one-hot rows (N, C)."""
    values = numpy.asarray(values)
    if values.ndim not in (1, 2) or values.shape[0] != count:
        fail(f"{path}: not usable as labels (shape {values.shape}; labels for {count} samples are shaped "
             f"({count},) or ({count}, classes))")
    if values.ndim == 2 and values.shape[1] > 1:
        hot = (values == 1).argmax(1)
        if not ((values == 1).sum(1) == 1).all() or not ((values == 0) | (values == 1)).all():
            row = int(numpy.flatnonzero(((values == 1).sum(1) != 1) | ((values != 0) & (values != 1)).any(1))[0])
            fail(f"{path}: not usable as labels (row {row} is not one-hot (one 1, the rest 0))")
        return torch.from_numpy(hot.astype("int64"))
    flat = values.reshape(-1).astype("float64")
    bad = numpy.flatnonzero((flat != numpy.floor(flat)) | (flat < 0) | ~numpy.isfinite(flat))
    if len(bad):
        fail(f"{path}: not usable as labels (label {flat[bad[0]]:g} at row {bad[0]} is not a class index (0, 1, 2, ...))")
    return torch.from_numpy(flat.astype("int64"))


def read_arrays(path):
    """.npz: inputs and labels by the names numpy.savez gives them; .npy: inputs, labels from <name>.labels.npy
    or, for x.npy / x_<rest>.npy, y.npy / y_<rest>.npy."""
    label_path = path
    try:
        if path.endswith(".npz"):
            arrays = numpy.load(path)
            x = next((arrays[k] for k in ("x", "X", "inputs", "images", "data", "arr_0") if k in arrays), None)
            y = next((arrays[k] for k in ("y", "Y", "labels", "targets", "arr_1") if k in arrays), None)
            if x is None:
                fail(f"{path}: no inputs (x, inputs, images, data or arr_0)")
        else:
            x, y = numpy.load(path), None
            folder, stem = os.path.split(path[: -len(".npy")])
            names = [stem + ".labels"] + (["y" + stem[1:], "Y" + stem[1:]] if re.fullmatch(r"[xX](_.*)?", stem) else [])
            label_path = next((f for f in (os.path.join(folder, n + ".npy") for n in names) if os.path.isfile(f)), None)
            y = numpy.load(label_path) if label_path else None
    except (OSError, ValueError) as e:
        fail(f"{label_path or path}: not a NumPy array file ({e})")
    count = samples_in(x.shape, path)
    x = torch.from_numpy(numpy.asarray(x, dtype="float32")).reshape(count, *INPUT_SHAPE)
    return x, None if y is None else read_labels(y, count, label_path)


def check_labels(y, classes, path):
    """Labels the network's outputs can score: below its number of classes."""
    if y is not None and len(y) and int(y.max()) >= classes:
        row = int((y >= classes).nonzero()[0])
        fail(f"{path}: label {int(y[row])} of sample {row} is not one of the network's {classes} classes")


def read_data(path):
    if not os.path.exists(path):
        fail(f"{path}: no such file or folder")
    if os.path.isdir(path):
        return read_images(path)
    if path.endswith((".npy", ".npz")):
        return read_arrays(path)
    try:
        x, y = read_csv(path)
    except (UnicodeDecodeError, csv.Error) as e:
        fail(f"{path}: not a UTF-8 CSV file ({e})")
    if y is None and x.shape[1] != math.prod(INPUT_SHAPE):
        fail(f"{path}: {x.shape[1]} columns and no {TRAINING.get('labelColumn', 'label')!r} column; "
             f"the model's input {INPUT_SHAPE} takes {math.prod(INPUT_SHAPE)} values")
    return x.reshape(samples_in(x.shape, path), *INPUT_SHAPE), y
`;
