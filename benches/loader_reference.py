"""The PyTorch reference for benches/loader.rs: load an image folder into one [N, 3, 64, 64]
tensor in [-1, 1] with PIL + torchvision (ImageFolder, Resize, CenterCrop, ToTensor,
Normalize) and a DataLoader with 2 workers. Prints `seconds S`, `images N` and `peak_rss_mb M`
(this process; the workers' peak separately)."""
import resource
import sys
import time

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def main(root, size):
    t0 = time.perf_counter()
    tf = transforms.Compose([transforms.Resize(size), transforms.CenterCrop(size), transforms.ToTensor(), transforms.Normalize([0.5] * 3, [0.5] * 3)])
    data = datasets.ImageFolder(root, transform=tf)
    loader = DataLoader(data, batch_size=256, num_workers=2, shuffle=False)
    out = torch.empty(len(data), 3, size, size)
    i = 0
    for x, _ in loader:
        out[i:i + len(x)] = x
        i += len(x)
    secs = time.perf_counter() - t0
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"seconds {secs:.3f}\nimages {i}\npeak_rss_mb {self_mb:.0f}\nworker_peak_rss_mb {child_mb:.0f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
