"""Reference values for the Fréchet distance, computed another way than gankit does:
tr((Σ1 Σ2)^{1/2}) as the sum of the square roots of the eigenvalues of Σ1 Σ2 (real and
non-negative for PSD matrices), in float64. Also a tiny TorchScript feature extractor for the
by-path test. Writes tests/fixtures/reference/fid.safetensors and fid_features.pt."""
import os

import torch

from st import save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference")


class TinyFeatures(torch.nn.Module):
    """Per-channel mean and std of an image: 6 features."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = x.flatten(2)
        return torch.cat([f.mean(2), f.std(2)], 1)


def frechet(mu1, s1, mu2, s2):
    eig = torch.linalg.eigvals(s1 @ s2).real.clamp(min=0)
    return ((mu1 - mu2) ** 2).sum() + torch.trace(s1) + torch.trace(s2) - 2 * eig.sqrt().sum()


def main():
    g = torch.Generator().manual_seed(0)
    out = {}
    for name, d in [("small", 4), ("wide", 32)]:
        a = torch.randn(200, d, generator=g, dtype=torch.float64)
        b = torch.randn(150, d, generator=g, dtype=torch.float64) * 1.5 + 0.3
        b[:, 0] = b[:, 1] * 0.8 + 0.1 * b[:, 0]  # correlated features
        mu1, s1 = a.mean(0), torch.cov(a.T)
        mu2, s2 = b.mean(0), torch.cov(b.T)
        out[f"{name}.a"], out[f"{name}.b"] = a, b
        out[f"{name}.cov_a"] = s1
        out[f"{name}.distance"] = frechet(mu1, s1, mu2, s2).reshape(1)
    save(os.path.join(OUT, "fid.safetensors"), out)
    scripted = torch.jit.script(TinyFeatures())
    scripted.save(os.path.join(OUT, "fid_features.pt"))


if __name__ == "__main__":
    main()
