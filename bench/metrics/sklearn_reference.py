#!/usr/bin/python3
"""Times scikit-learn on the data bench-metrics.ts wrote, and prints one JSON line with the times and values.

Usage: /usr/bin/python3 sklearn_reference.py <labels.u8> <scores.f64> <repeats>
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, average_precision_score, log_loss, roc_auc_score, roc_curve


def best_of(repeats, fn):
    best = float('inf')
    value = None
    for _ in range(repeats):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000.0, value


def tpr_at_fpr(y, s, max_fpr=1e-3):
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    return float(tpr[fpr <= max_fpr].max())


def everything(y, s):
    # What evaluateScores computes, minus EER (not in scikit-learn) and the bootstrap.
    return {
        'auc': roc_auc_score(y, s),
        'tpr': tpr_at_fpr(y, s),
        'ap': average_precision_score(y, s),
        'accuracy': accuracy_score(y, s > 0.5),
        'log_loss': log_loss(y, s),
        'roc': roc_curve(y, s)[0].size,
    }


def main():
    y = np.fromfile(sys.argv[1], dtype=np.uint8).astype(np.int64)
    s = np.fromfile(sys.argv[2], dtype=np.float64)
    repeats = int(sys.argv[3])
    auc_ms, auc = best_of(repeats, lambda: roc_auc_score(y, s))
    tpr_ms, tpr = best_of(repeats, lambda: tpr_at_fpr(y, s))
    all_ms, values = best_of(repeats, lambda: everything(y, s))
    print(json.dumps({
        'sklearn': sklearn.__version__,
        'auc_ms': auc_ms, 'tpr_ms': tpr_ms, 'all_ms': all_ms,
        'auc': float(auc), 'tpr': tpr, 'ap': float(values['ap']), 'log_loss': float(values['log_loss']),
    }))


if __name__ == '__main__':
    main()
