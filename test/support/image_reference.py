"""Images and their reference preprocessing for the image-folder tests, made with Pillow, NumPy and
torchvision (Debian's python3-pil, python3-numpy, python3-torchvision).

    python3 image_reference.py DIR HEIGHT WIDTH

writes DIR/images/<class>/<file> (PNG: RGB, RGBA, grey, grey+alpha, palette, 1-bit, 16-bit, interlaced;
JPEG: baseline, progressive, grey, 4:2:0 and 4:4:4) and a text file, and in DIR/reference/, in the order
ImageFolder lists the samples: meta.json (files, labels, classes, sizes), decoded-<i>.u8 (each image as
Pillow's convert("RGB"), H×W×3 bytes), and little-endian float32 N×C×H×W arrays: rgb.f32 (ToTensor after
Resize((H, W)), bilinear), imagenet.f32 (the same normalised with ImageNet's mean and std), grey.f32
(Grayscale → Resize → ToTensor).
"""
import json
import os
import sys

import numpy as np
from PIL import Image
from torchvision import datasets, transforms

out, height, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(19)


def picture(h, w):
    """Smooth colour gradients with noise and a sharp edge: resizing and JPEG both have work to do."""
    y, x = np.mgrid[0:h, 0:w]
    r = 255 * x / max(w - 1, 1)
    g = 255 * y / max(h - 1, 1)
    b = np.where((x - w / 2) ** 2 + (y - h / 2) ** 2 < (min(h, w) / 3) ** 2, 230.0, 30.0)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def save(cls, name, image, **kwargs):
    os.makedirs(os.path.join(out, 'images', cls), exist_ok=True)
    image.save(os.path.join(out, 'images', cls, name), **kwargs)


rgb = Image.fromarray(picture(61, 83))
save('ant', 'rgb.png', rgb)
save('ant', 'rgba.png', Image.fromarray(np.dstack([picture(40, 30), rng.integers(0, 256, (40, 30), np.uint8)])))
save('ant', 'grey.png', rgb.convert('L'))
save('ant', 'grey-alpha.png', rgb.convert('LA'))
save('ant', 'palette.png', rgb.convert('P', palette=Image.ADAPTIVE, colors=37))
save('ant', 'one-bit.png', rgb.convert('1'))
save('ant', 'interlaced.png', Image.fromarray(picture(20, 300)), interlace=1)
save('ant', 'small.png', Image.fromarray(picture(7, 5)))
big = Image.fromarray(picture(480, 640))
save('bee', 'baseline.jpg', big, quality=90)
save('bee', 'progressive.jpeg', big, quality=90, progressive=True)
save('bee', 'grey.jpg', big.convert('L'), quality=90)
save('bee', 'chroma-444.JPG', Image.fromarray(picture(50, 70)), quality=95, subsampling=0)
# 16-bit RGB: Pillow cannot write it, so the test keeps to 16-bit grey written through mode I;16.
sixteen = (np.asarray(rgb.convert('L'), dtype=np.uint16) * 257).astype(np.uint16)
save('cow', 'sixteen.png', Image.fromarray(sixteen, mode='I;16'))
with open(os.path.join(out, 'images', 'cow', 'notes.txt'), 'w') as f:
    f.write('not an image\n')

folder = datasets.ImageFolder(os.path.join(out, 'images'))
samples = [path for path, _ in folder.samples]
resize = transforms.Resize((height, width), interpolation=transforms.InterpolationMode.BILINEAR)
to_tensor = transforms.ToTensor()
imagenet = transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
rgb_t = [to_tensor(resize(folder.loader(p))) for p in samples]
ref = os.path.join(out, 'reference')
os.makedirs(ref, exist_ok=True)
sizes = []
for i, p in enumerate(samples):
    decoded = np.asarray(Image.open(p).convert('RGB'))
    sizes.append([decoded.shape[0], decoded.shape[1]])
    decoded.tofile(os.path.join(ref, f'decoded-{i}.u8'))
np.stack([t.numpy() for t in rgb_t]).astype('<f4').tofile(os.path.join(ref, 'rgb.f32'))
np.stack([imagenet(t).numpy() for t in rgb_t]).astype('<f4').tofile(os.path.join(ref, 'imagenet.f32'))
grey = [to_tensor(resize(transforms.Grayscale()(folder.loader(p)))).numpy() for p in samples]
np.stack(grey).astype('<f4').tofile(os.path.join(ref, 'grey.f32'))
with open(os.path.join(ref, 'meta.json'), 'w') as f:
    json.dump(
        {
            'files': [os.path.relpath(p, os.path.join(out, 'images')).replace(os.sep, '/') for p in samples],
            'labels': folder.targets,
            'classes': folder.classes,
            'sizes': sizes,
        },
        f,
    )
