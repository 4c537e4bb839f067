"""PIL + torchvision reference for bench-data.ts: the same files and transforms, images/s as JSON on stdout.

usage: /usr/bin/python3 torchvision_reference.py LIST_FILE SIZE WORKERS
"""
import json
import sys
import time

import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

torch.set_num_threads(1)
files = [line.strip() for line in open(sys.argv[1]) if line.strip()]
size = int(sys.argv[2])
workers = int(sys.argv[3])
tf = transforms.Compose([
    transforms.Resize((size, size), interpolation=transforms.InterpolationMode.BILINEAR),
    transforms.RandomHorizontalFlip(0.5),
    transforms.RandomVerticalFlip(0.5),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])


class Files(Dataset):
    def __len__(self):
        return len(files)

    def __getitem__(self, i):
        return tf(Image.open(files[i]).convert('RGB')), 0


loader = DataLoader(Files(), batch_size=32, shuffle=True, num_workers=workers)
start = time.perf_counter()
cpu_start = time.process_time()
n = 0
for x, _ in loader:
    n += x.shape[0]
elapsed = time.perf_counter() - start
# CPU of this process only: with workers > 0 the decoding runs in child processes and is not counted
cpu = time.process_time() - cpu_start
print(json.dumps({'images': n, 'seconds': elapsed, 'images_per_s': n / elapsed, 'cpu_ms_per_image': cpu * 1000 / n}))
