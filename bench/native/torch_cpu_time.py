#!/usr/bin/python3
"""CPU seconds per training and inference step of torchvision models (PyTorch's own recipe as in
/work/shared/bench/torch_throughput.py: Adam, cross-entropy over 2 classes), on ONE thread, measured with
time.process_time(): unlike img/s it barely moves when other processes share the cores.
Usage: /usr/bin/python3 torch_cpu_time.py size batch steps models..."""
import sys, time, torch, torchvision
torch.set_num_threads(1)
size, batch, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for name in sys.argv[4:]:
    model = getattr(torchvision.models, name)(num_classes=2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(batch, 3, size, size); y = torch.randint(0, 2, (batch,))
    model.train()
    def step():
        opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    step()
    t = time.process_time()
    for _ in range(steps): step()
    train = (time.process_time() - t) / steps
    model.eval()
    with torch.no_grad():
        model(x)
        t = time.process_time()
        for _ in range(steps): model(x)
        infer = (time.process_time() - t) / steps
    print(f"{name}\ttrain_cpu_s={train:.3f}\tinfer_cpu_s={infer:.3f}", flush=True)
