"""Learnability check for the demo data: a 4-block CNN (PyTorch, CPU, 2 threads) trained for a few epochs on a
challenge-layout folder; prints the validation AUC after each epoch. Used by demo-learnability.ts.

usage: /usr/bin/python3 small_cnn_auc.py ROOT EPOCHS SIZE
"""
import csv
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from sklearn.metrics import roc_auc_score

torch.set_num_threads(2)
torch.manual_seed(0)
root, epochs, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def load(folder, labels):
    rows = list(csv.reader(open(f'{root}/{labels}')))[1:]
    x = np.stack([np.asarray(Image.open(f'{root}/{folder}/{r[0]}').convert('RGB').resize((size, size), Image.BILINEAR), dtype=np.float32) / 255 for r in rows])
    return torch.tensor((x - 0.5) / 0.5).permute(0, 3, 1, 2), torch.tensor([int(r[1]) for r in rows])


def block(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2))


xt, yt = load('trainset', 'train_label.txt')
xv, yv = load('valset', 'val_label.txt')
model = nn.Sequential(block(3, 16), block(16, 32), block(32, 64), block(64, 64), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 2))
opt = torch.optim.Adam(model.parameters(), 1e-3)
start = time.time()
for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(yt))
    for i in range(0, len(yt), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        p = torch.softmax(model(xv), 1)[:, 1].numpy()
    print(f'  epoch {epoch + 1}: val AUC {roc_auc_score(yv.numpy(), p):.3f} ({time.time() - start:.0f}s)', flush=True)
