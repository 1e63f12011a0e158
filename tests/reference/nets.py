"""PyTorch reference for gankit::nets (tests/nets.rs).

Each network is written here as the report printed it (or, where the report is silent, as the
standard PyTorch reference implementation: the PyTorch DCGAN tutorial, junyanz/
pytorch-CycleGAN-and-pix2pix, yunjey/stargan). Image size and widths are parameters; at the
report's sizes each class is the report's code.

`main()` builds each network at SMALL widths, gives it random weights (so that BatchNorm
statistics and biases matter), and writes to tests/fixtures/reference/nets_<family>.safetensors:
  <net>.state.<state_dict key>   the weights (the Rust test copies them in by name)
  <net>.x, <net>.cond            a fixed input (and condition)
  <net>.eval                     the eval-mode output
  <net>.train                    the train-mode output (BatchNorm with batch statistics, one
                                 spectral-norm power-iteration step), run after .eval
  <net>.after.<buffer>           buffers after the train-mode call (running statistics, u, v)
StarGAN's discriminator has two outputs: .eval_src/.eval_cls and .train_src/.train_cls.

`counts()` prints the parameter counts at the reports' sizes (and at 32x32), which tests/nets.rs
asserts. Run: .venv/bin/python tests/reference/nets.py [--counts]
"""
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference")


def n_stages(image_size):
    """Stride-2 stages between 4x4 and the image: 4 at 64x64, 3 at 32x32."""
    n = int(math.log2(image_size)) - 2
    assert 2 ** (n + 2) == image_size and n >= 1, image_size
    return n


# ---------------------------------------------------------------- report 000 (baseline, WGAN-GP)
class BaselineGenerator(nn.Module):
    def __init__(self, in_dim, dim=64, image_size=64, channels=3):
        super().__init__()
        n = n_stages(image_size)
        top = dim * 2 ** (n - 1)

        def dconv_bn_relu(in_dim, out_dim):
            return nn.Sequential(
                nn.ConvTranspose2d(in_dim, out_dim, 5, 2, padding=2, output_padding=1, bias=False),
                nn.BatchNorm2d(out_dim),
                nn.ReLU())

        self.l1 = nn.Sequential(
            nn.Linear(in_dim, top * 4 * 4, bias=False),
            nn.BatchNorm1d(top * 4 * 4),
            nn.ReLU())
        self.l2_5 = nn.Sequential(
            *[dconv_bn_relu(top // 2 ** k, top // 2 ** (k + 1)) for k in range(n - 1)],
            nn.ConvTranspose2d(dim, channels, 5, 2, padding=2, output_padding=1),
            nn.Tanh())

    def forward(self, x):
        y = self.l1(x)
        y = y.view(y.size(0), -1, 4, 4)
        return self.l2_5(y)


class BaselineDiscriminator(nn.Module):
    """bn=False, sigmoid=False is the report's Discriminator_GP (WGAN-GP critic)."""

    def __init__(self, in_dim, dim=64, image_size=64, bn=True, sigmoid=True):
        super().__init__()
        n = n_stages(image_size)

        def conv_bn_lrelu(in_dim, out_dim):
            if bn:
                return nn.Sequential(nn.Conv2d(in_dim, out_dim, 5, 2, 2), nn.BatchNorm2d(out_dim), nn.LeakyReLU(0.2))
            return nn.Sequential(nn.Conv2d(in_dim, out_dim, 5, 2, 2), nn.LeakyReLU(0.2))

        layers = [nn.Conv2d(in_dim, dim, 5, 2, 2), nn.LeakyReLU(0.2)]
        layers += [conv_bn_lrelu(dim * 2 ** k, dim * 2 ** (k + 1)) for k in range(n - 1)]
        layers += [nn.Conv2d(dim * 2 ** (n - 1), 1, 4)]
        if sigmoid:
            layers += [nn.Sigmoid()]
        self.ls = nn.Sequential(*layers)

    def forward(self, x):
        return self.ls(x).view(-1)


# ---------------------------------------------------------------- report 001 (DCGAN) and 002 (SELU)
def dcgan_g_layers(nz, ngf, nc, image_size, dropout=0.0, selu=False):
    n = n_stages(image_size)
    layers, cin = [], nz
    for k in range(n):
        cout = ngf * 2 ** (n - 1 - k)
        layers += [nn.ConvTranspose2d(cin, cout, 4, 1 if k == 0 else 2, 0 if k == 0 else 1, bias=False)]
        if selu:
            layers += [nn.SELU()]
        else:
            layers += [nn.BatchNorm2d(cout)]
            if dropout:
                layers += [nn.Dropout(dropout)]
            layers += [nn.ReLU(True)]
        cin = cout
    layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
    return layers


def dcgan_d_trunk(nc, ndf, image_size, norm="bn", bias=False, sn=False):
    """Conv layers down to (ndf * 2^(n-1)) x 4 x 4, without the last Conv2d(…, 1, 4)."""
    n = n_stages(image_size)
    wrap = nn.utils.spectral_norm if sn else (lambda m: m)

    def act():
        return nn.SELU() if norm == "selu" else nn.LeakyReLU(0.2, True)

    layers = [wrap(nn.Conv2d(nc, ndf, 4, 2, 1, bias=bias)), act()]
    for k in range(n - 1):
        layers += [wrap(nn.Conv2d(ndf * 2 ** k, ndf * 2 ** (k + 1), 4, 2, 1, bias=bias))]
        if norm == "bn":
            layers += [nn.BatchNorm2d(ndf * 2 ** (k + 1))]
        layers += [act()]
    return layers, ndf * 2 ** (n - 1)


class DcganGenerator(nn.Module):
    def __init__(self, nz=100, ngf=64, nc=3, image_size=64, dropout=0.0, selu=False):
        super().__init__()
        self.main = nn.Sequential(*dcgan_g_layers(nz, ngf, nc, image_size, dropout, selu))

    def forward(self, z):
        return self.main(z.view(z.size(0), -1, 1, 1))


class DcganDiscriminator(nn.Module):
    def __init__(self, nc=3, ndf=64, image_size=64, sigmoid=True, selu=False):
        super().__init__()
        layers, top = dcgan_d_trunk(nc, ndf, image_size, "selu" if selu else "bn")
        layers += [nn.Conv2d(top, 1, 4, 1, 0, bias=False)]
        # Report 002 keeps the Sigmoid in `main`; report 001 applies it in forward.
        self.sigmoid_in_forward = sigmoid and not selu
        if sigmoid and selu:
            layers += [nn.Sigmoid()]
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        y = self.main(x).view(-1)
        return torch.sigmoid(y) if self.sigmoid_in_forward else y


# ---------------------------------------------------------------- report 001 text-to-image
class TextToImageGenerator(nn.Module):
    def __init__(self, nz=100, n_classes=119, ngf=64, nc=3, image_size=64):
        super().__init__()
        self.embed = nn.Linear(n_classes, n_classes)
        self.main = nn.Sequential(*dcgan_g_layers(nz + n_classes, ngf, nc, image_size))

    def forward(self, z, c):
        c = F.relu(self.embed(c)).view(c.size(0), -1, 1, 1)
        return self.main(torch.cat([z.view(z.size(0), -1, 1, 1), c], 1))


class TextToImageDiscriminator(nn.Module):
    def __init__(self, n_classes=119, ndf=64, nc=3, image_size=64, sigmoid=True):
        super().__init__()
        layers, top = dcgan_d_trunk(nc, ndf, image_size)
        self.top, self.sigmoid = top, sigmoid
        self.embed = nn.Linear(n_classes, n_classes)
        self.main = nn.Sequential(*layers)
        self.c_cv = nn.ConvTranspose2d(n_classes, n_classes, 4, 1, bias=False)
        self.main2 = nn.Sequential(
            nn.Conv2d(top + n_classes, top, 4, 1, bias=False), nn.BatchNorm2d(top), nn.LeakyReLU(0.2, True))
        self.dense = nn.Linear(top, 1)

    def forward(self, x, c):
        c = F.leaky_relu(self.embed(c), 0.2).view(c.size(0), -1, 1, 1)
        c = F.leaky_relu(self.c_cv(c), 0.2)
        h = self.main2(torch.cat([self.main(x), c], 1)).view(-1, self.top)
        y = self.dense(h).view(-1)
        return torch.sigmoid(y) if self.sigmoid else y


# ---------------------------------------------------------------- report 004 cGAN, report 003 conditional WGAN-GP
class ConcatGenerator(nn.Module):
    """Report 004's Generator: z and the label vector joined as channels into the DCGAN G."""

    def __init__(self, nz, n_classes, ngf=64, nc=3, image_size=64):
        super().__init__()
        self.main = nn.Sequential(*dcgan_g_layers(nz + n_classes, ngf, nc, image_size))

    def forward(self, x, attr):
        attr = attr.view(attr.size(0), -1, 1, 1)
        return self.main(torch.cat([x.view(x.size(0), -1, 1, 1), attr], 1))


class CganDiscriminator(nn.Module):
    def __init__(self, n_classes=24, ndf=64, nc=3, image_size=64, sigmoid=False):
        super().__init__()
        self.size, self.sigmoid = image_size, sigmoid
        self.feature_input = nn.Linear(n_classes, image_size * image_size)
        layers, top = dcgan_d_trunk(nc + 1, ndf, image_size)
        self.main = nn.Sequential(*layers, nn.Conv2d(top, 1, 4, 1, 0, bias=False))

    def forward(self, x, attr):
        attr = self.feature_input(attr).view(-1, 1, self.size, self.size)
        y = self.main(torch.cat([x, attr], 1)).view(-1)
        return torch.sigmoid(y) if self.sigmoid else y


class CwganCritic(nn.Module):
    """gankit's conditional critic for report 003: tags tiled to image size as extra input
    channels, the DCGAN discriminator without BatchNorm (convs with bias), no Sigmoid."""

    def __init__(self, n_tags=23, ndf=64, nc=3, image_size=64):
        super().__init__()
        layers, top = dcgan_d_trunk(nc + n_tags, ndf, image_size, norm=None, bias=True)
        self.main = nn.Sequential(*layers, nn.Conv2d(top, 1, 4, 1, 0))

    def forward(self, x, tags):
        t = tags.view(tags.size(0), -1, 1, 1).expand(-1, -1, x.size(2), x.size(3))
        return self.main(torch.cat([x, t], 1)).view(-1)


# ---------------------------------------------------------------- spectral norm, projection
class SnDcganDiscriminator(nn.Module):
    def __init__(self, nc=3, ndf=64, image_size=64):
        super().__init__()
        layers, top = dcgan_d_trunk(nc, ndf, image_size, norm=None, bias=True, sn=True)
        self.main = nn.Sequential(*layers, nn.utils.spectral_norm(nn.Conv2d(top, 1, 4, 1, 0)))

    def forward(self, x):
        return self.main(x).view(-1)


class ProjectionDiscriminator(nn.Module):
    """Miyato & Koyama 2018: psi(phi(x)) + <embed(y), phi(x)>, phi = the SN DCGAN trunk summed
    over space. The Rust side takes y one-hot and multiplies by the embedding matrix."""

    def __init__(self, n_classes, nc=3, ndf=64, image_size=64):
        super().__init__()
        layers, top = dcgan_d_trunk(nc, ndf, image_size, norm=None, bias=True, sn=True)
        self.main = nn.Sequential(*layers)
        self.psi = nn.utils.spectral_norm(nn.Linear(top, 1))
        self.embed = nn.utils.spectral_norm(nn.Embedding(n_classes, top))

    def forward(self, x, y):
        h = self.main(x).sum([2, 3])
        return self.psi(h).view(-1) + (self.embed(y.argmax(1)) * h).sum(1)


# ---------------------------------------------------------------- MLP for 2-D data
class MlpGenerator(nn.Module):
    def __init__(self, z_dim=2, hidden=(128, 128), data_dim=2):
        super().__init__()
        layers, d = [], z_dim
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU()]
            d = h
        self.main = nn.Sequential(*layers, nn.Linear(d, data_dim))

    def forward(self, z):
        return self.main(z)


class MlpDiscriminator(nn.Module):
    def __init__(self, data_dim=2, hidden=(128, 128), sigmoid=True):
        super().__init__()
        layers, d = [], data_dim
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU()]
            d = h
        layers += [nn.Linear(d, 1)]
        if sigmoid:
            layers += [nn.Sigmoid()]
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x).view(-1)


# ---------------------------------------------------------------- CycleGAN (junyanz), verbatim
def cyclegan_norm(norm):
    if norm == "instance":
        return lambda c: nn.InstanceNorm2d(c, affine=False, track_running_stats=False), True
    return lambda c: nn.BatchNorm2d(c, affine=True, track_running_stats=True), False


class ResnetBlock(nn.Module):
    def __init__(self, dim, norm_layer, use_dropout, use_bias):
        super().__init__()
        conv_block = [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, kernel_size=3, padding=0, bias=use_bias),
                      norm_layer(dim), nn.ReLU(True)]
        if use_dropout:
            conv_block += [nn.Dropout(0.5)]
        conv_block += [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, kernel_size=3, padding=0, bias=use_bias),
                       norm_layer(dim)]
        self.conv_block = nn.Sequential(*conv_block)

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, input_nc=3, output_nc=3, ngf=64, norm="instance", use_dropout=False, n_blocks=6):
        super().__init__()
        norm_layer, use_bias = cyclegan_norm(norm)
        model = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, kernel_size=7, padding=0, bias=use_bias),
                 norm_layer(ngf), nn.ReLU(True)]
        n_downsampling = 2
        for i in range(n_downsampling):
            mult = 2 ** i
            model += [nn.Conv2d(ngf * mult, ngf * mult * 2, kernel_size=3, stride=2, padding=1, bias=use_bias),
                      norm_layer(ngf * mult * 2), nn.ReLU(True)]
        mult = 2 ** n_downsampling
        for i in range(n_blocks):
            model += [ResnetBlock(ngf * mult, norm_layer, use_dropout, use_bias)]
        for i in range(n_downsampling):
            mult = 2 ** (n_downsampling - i)
            model += [nn.ConvTranspose2d(ngf * mult, int(ngf * mult / 2), kernel_size=3, stride=2, padding=1,
                                         output_padding=1, bias=use_bias),
                      norm_layer(int(ngf * mult / 2)), nn.ReLU(True)]
        model += [nn.ReflectionPad2d(3)]
        model += [nn.Conv2d(ngf, output_nc, kernel_size=7, padding=0)]
        model += [nn.Tanh()]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class NLayerDiscriminator(nn.Module):
    def __init__(self, input_nc=3, ndf=64, n_layers=3, norm="instance", use_sigmoid=False):
        super().__init__()
        norm_layer, use_bias = cyclegan_norm(norm)
        kw, padw = 4, 1
        sequence = [nn.Conv2d(input_nc, ndf, kernel_size=kw, stride=2, padding=padw), nn.LeakyReLU(0.2, True)]
        nf_mult = 1
        for n in range(1, n_layers):
            nf_mult_prev, nf_mult = nf_mult, min(2 ** n, 8)
            sequence += [nn.Conv2d(ndf * nf_mult_prev, ndf * nf_mult, kernel_size=kw, stride=2, padding=padw,
                                   bias=use_bias), norm_layer(ndf * nf_mult), nn.LeakyReLU(0.2, True)]
        nf_mult_prev, nf_mult = nf_mult, min(2 ** n_layers, 8)
        sequence += [nn.Conv2d(ndf * nf_mult_prev, ndf * nf_mult, kernel_size=kw, stride=1, padding=padw,
                               bias=use_bias), norm_layer(ndf * nf_mult), nn.LeakyReLU(0.2, True)]
        sequence += [nn.Conv2d(ndf * nf_mult, 1, kernel_size=kw, stride=1, padding=padw)]
        if use_sigmoid:  # older versions of the repository; report 001 section 5's BCE run
            sequence += [nn.Sigmoid()]
        self.model = nn.Sequential(*sequence)

    def forward(self, x):
        return self.model(x)


# ---------------------------------------------------------------- StarGAN (yunjey), verbatim
class ResidualBlock(nn.Module):
    def __init__(self, dim_in, dim_out):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(dim_in, dim_out, kernel_size=3, stride=1, padding=1, bias=False),
            nn.InstanceNorm2d(dim_out, affine=True, track_running_stats=True),
            nn.ReLU(inplace=True),
            nn.Conv2d(dim_out, dim_out, kernel_size=3, stride=1, padding=1, bias=False),
            nn.InstanceNorm2d(dim_out, affine=True, track_running_stats=True))

    def forward(self, x):
        return x + self.main(x)


class StarGenerator(nn.Module):
    def __init__(self, conv_dim=64, c_dim=5, repeat_num=6):
        super().__init__()
        layers = [nn.Conv2d(3 + c_dim, conv_dim, kernel_size=7, stride=1, padding=3, bias=False),
                  nn.InstanceNorm2d(conv_dim, affine=True, track_running_stats=True), nn.ReLU(inplace=True)]
        curr_dim = conv_dim
        for i in range(2):
            layers += [nn.Conv2d(curr_dim, curr_dim * 2, kernel_size=4, stride=2, padding=1, bias=False),
                       nn.InstanceNorm2d(curr_dim * 2, affine=True, track_running_stats=True),
                       nn.ReLU(inplace=True)]
            curr_dim = curr_dim * 2
        for i in range(repeat_num):
            layers.append(ResidualBlock(dim_in=curr_dim, dim_out=curr_dim))
        for i in range(2):
            layers += [nn.ConvTranspose2d(curr_dim, curr_dim // 2, kernel_size=4, stride=2, padding=1, bias=False),
                       nn.InstanceNorm2d(curr_dim // 2, affine=True, track_running_stats=True),
                       nn.ReLU(inplace=True)]
            curr_dim = curr_dim // 2
        layers += [nn.Conv2d(curr_dim, 3, kernel_size=7, stride=1, padding=3, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, x, c):
        c = c.view(c.size(0), c.size(1), 1, 1)
        c = c.repeat(1, 1, x.size(2), x.size(3))
        return self.main(torch.cat([x, c], dim=1))


class StarDiscriminator(nn.Module):
    def __init__(self, image_size=128, conv_dim=64, c_dim=5, repeat_num=6):
        super().__init__()
        layers = [nn.Conv2d(3, conv_dim, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.01)]
        curr_dim = conv_dim
        for i in range(1, repeat_num):
            layers += [nn.Conv2d(curr_dim, curr_dim * 2, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.01)]
            curr_dim = curr_dim * 2
        kernel_size = int(image_size / 2 ** repeat_num)
        self.main = nn.Sequential(*layers)
        self.conv1 = nn.Conv2d(curr_dim, 1, kernel_size=3, stride=1, padding=1, bias=False)
        self.conv2 = nn.Conv2d(curr_dim, c_dim, kernel_size=kernel_size, bias=False)

    def forward(self, x):
        h = self.main(x)
        out_src = self.conv1(h)
        out_cls = self.conv2(h)
        return out_src, out_cls.view(out_cls.size(0), out_cls.size(1))


# ---------------------------------------------------------------- fixtures
def randomize(net, seed):
    """Random weights of a sensible scale, random BatchNorm statistics; SN's u, v kept."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in net.state_dict(keep_vars=True).items():
            leaf = name.rsplit(".", 1)[-1]
            if leaf in ("num_batches_tracked", "weight_u", "weight_v"):
                continue
            if leaf == "running_var" or (leaf == "weight" and t.dim() == 1):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif leaf in ("running_mean", "bias") or t.dim() == 1:
                t.copy_(torch.randn(t.shape, generator=g) * 0.2)
            else:
                t.copy_(torch.randn(t.shape, generator=g) / math.sqrt(t[0].numel()))


def one_hot(n, k, seed):
    g = torch.Generator().manual_seed(seed)
    return F.one_hot(torch.randint(0, k, (n,), generator=g), k).float()


def multi_hot(n, k, seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, k, generator=g) < 0.3).float()


def record(out, key, net, x, cond=None, seed=0, train_seed=None):
    """Writes <key>.state.*, .x, .cond, .eval, .train, .after.* into the dict `out`. `x` may be
    the key of a net recorded before, whose input is then reused (and not stored again)."""
    randomize(net, seed)
    for name, t in net.state_dict().items():
        if not name.endswith("num_batches_tracked"):
            out[f"{key}.state.{name}"] = t.clone()
    if isinstance(x, str):
        x = out[f"{x}.x"]
    else:
        out[f"{key}.x"] = x
    args = (x,) if cond is None else (x, cond)
    if cond is not None:
        out[f"{key}.cond"] = cond
    for mode in ("eval", "train"):
        net.train(mode == "train")
        if train_seed is not None and mode == "train":
            torch.manual_seed(train_seed)
        with torch.no_grad():
            y = net(*args)
        if isinstance(y, tuple):
            out[f"{key}.{mode}_src"], out[f"{key}.{mode}_cls"] = y
        else:
            out[f"{key}.{mode}"] = y
    for name, t in net.named_buffers():
        if not name.endswith("num_batches_tracked"):
            out[f"{key}.after.{name}"] = t.clone()


def randn(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def fixtures():
    """{family: {key: tensor}}, deterministic."""
    torch.set_num_threads(1)
    torch.manual_seed(0)
    N = 2
    fx = {}

    # 64x64 nets at width 2 and batch 1 (but 2 for BatchNorm1d in the baseline G), 32x32 nets at
    # width 4 and batch 2: the fixtures stay small.
    o = fx["baseline"] = {}
    record(o, "g", BaselineGenerator(8, dim=2), randn(N, 8, seed=1), seed=10)
    record(o, "d", BaselineDiscriminator(3, dim=2), randn(1, 3, 64, 64, seed=2), seed=11)
    record(o, "critic", BaselineDiscriminator(3, dim=2, bn=False, sigmoid=False), "d", seed=12)
    record(o, "g32", BaselineGenerator(8, dim=4, image_size=32), randn(N, 8, seed=3), seed=13)
    record(o, "d32", BaselineDiscriminator(3, dim=4, image_size=32), randn(N, 3, 32, 32, seed=4), seed=14)

    o = fx["dcgan"] = {}
    record(o, "g", DcganGenerator(8, 2, 3, 64), randn(1, 8, 1, 1, seed=1), seed=20)
    record(o, "g_dropout", DcganGenerator(8, 2, 3, 64, dropout=0.5), randn(1, 8, 1, 1, seed=2), seed=21,
           train_seed=7)
    record(o, "d", DcganDiscriminator(3, 2, 64), randn(1, 3, 64, 64, seed=3), seed=22)
    record(o, "d_logits", DcganDiscriminator(3, 2, 64, sigmoid=False), "d", seed=23)
    record(o, "g32", DcganGenerator(8, 4, 3, 32), randn(N, 8, seed=4), seed=24)
    record(o, "d32", DcganDiscriminator(3, 4, 32), randn(N, 3, 32, 32, seed=5), seed=25)

    o = fx["text_to_image"] = {}
    record(o, "g", TextToImageGenerator(8, 5, 2, 3, 64), randn(1, 8, 1, 1, seed=1), one_hot(1, 5, 2), seed=30)
    record(o, "d", TextToImageDiscriminator(5, 2, 3, 64), randn(N, 3, 64, 64, seed=3), one_hot(N, 5, 4),
           seed=31)

    o = fx["selu"] = {}
    record(o, "g", DcganGenerator(8, 4, 3, 32, selu=True), randn(N, 8, seed=1), seed=40)
    record(o, "d", DcganDiscriminator(3, 4, 32, selu=True), randn(N, 3, 32, 32, seed=2), seed=41)

    o = fx["cgan"] = {}
    record(o, "g", ConcatGenerator(5, 3, 2, 3, 64), randn(1, 5, seed=1), multi_hot(1, 3, 2), seed=50)
    record(o, "d", CganDiscriminator(3, 2, 3, 64), randn(1, 3, 64, 64, seed=3), multi_hot(1, 3, 4), seed=51)

    o = fx["cwgan"] = {}
    record(o, "g", ConcatGenerator(8, 6, 4, 3, 32), randn(N, 8, seed=1), multi_hot(N, 6, 2), seed=60)
    record(o, "critic", CwganCritic(6, 4, 3, 32), randn(N, 3, 32, 32, seed=3), multi_hot(N, 6, 4), seed=61)

    o = fx["spectral"] = {}
    torch.manual_seed(70)  # u, v of the wrapped layers
    record(o, "conv", nn.utils.spectral_norm(nn.Conv2d(3, 5, 3, 2, 1)), randn(N, 3, 8, 8, seed=1), seed=71)
    record(o, "conv_t", nn.utils.spectral_norm(nn.ConvTranspose2d(5, 3, 4, 2, 1)), randn(N, 5, 4, 4, seed=2),
           seed=72)
    record(o, "linear", nn.utils.spectral_norm(nn.Linear(6, 4)), randn(N, 6, seed=3), seed=73)
    record(o, "d", SnDcganDiscriminator(3, 4, 32), randn(N, 3, 32, 32, seed=4), seed=74)
    record(o, "projection", ProjectionDiscriminator(5, 3, 4, 32), "d", one_hot(N, 5, 6), seed=75)

    o = fx["mlp"] = {}
    record(o, "g", MlpGenerator(3, (16, 16), 2), randn(5, 3, seed=1), seed=80)
    record(o, "d", MlpDiscriminator(2, (16, 16)), randn(5, 2, seed=2), seed=81)

    o = fx["cyclegan"] = {}
    record(o, "g", ResnetGenerator(3, 3, 4, n_blocks=2), randn(N, 3, 32, 32, seed=1), seed=90)
    record(o, "g_bn", ResnetGenerator(3, 3, 4, norm="batch", use_dropout=True, n_blocks=2), "g", seed=91,
           train_seed=8)
    record(o, "d", NLayerDiscriminator(3, 4), "g", seed=92)
    record(o, "d_bn", NLayerDiscriminator(3, 2, norm="batch", use_sigmoid=True), "g", seed=93)

    o = fx["stargan"] = {}
    record(o, "g", StarGenerator(4, 3, 2), randn(N, 3, 32, 32, seed=1), multi_hot(N, 3, 2), seed=100)
    record(o, "d", StarDiscriminator(32, 4, 3, 3), "g", seed=101)
    return fx


REPORT_SIZES = {
    # name: (constructor, 64x64 or the report's size, 32x32 or None)
    "baseline_generator": (lambda s: BaselineGenerator(100, image_size=s), 64, 32),
    "baseline_discriminator": (lambda s: BaselineDiscriminator(3, image_size=s), 64, 32),
    "baseline_critic": (lambda s: BaselineDiscriminator(3, image_size=s, bn=False, sigmoid=False), 64, 32),
    "dcgan_generator": (lambda s: DcganGenerator(image_size=s), 64, 32),
    "dcgan_discriminator": (lambda s: DcganDiscriminator(image_size=s), 64, 32),
    "text_to_image_generator": (lambda s: TextToImageGenerator(image_size=s), 64, 32),
    "text_to_image_discriminator": (lambda s: TextToImageDiscriminator(image_size=s), 64, 32),
    "selu_generator": (lambda s: DcganGenerator(image_size=s, selu=True), 64, 32),
    "selu_discriminator": (lambda s: DcganDiscriminator(image_size=s, selu=True), 64, 32),
    "cgan_generator": (lambda s: ConcatGenerator(25, 24, image_size=s), 64, 32),
    "cgan_discriminator": (lambda s: CganDiscriminator(24, image_size=s), 64, 32),
    "cwgan_generator": (lambda s: ConcatGenerator(100, 23, image_size=s), 64, 32),
    "cwgan_critic": (lambda s: CwganCritic(23, image_size=s), 64, 32),
    "sn_discriminator": (lambda s: SnDcganDiscriminator(image_size=s), 64, 32),
    "projection_discriminator": (lambda s: ProjectionDiscriminator(119, image_size=s), 64, 32),
    "mlp_generator": (lambda s: MlpGenerator(), None, None),
    "mlp_discriminator": (lambda s: MlpDiscriminator(), None, None),
    "cyclegan_generator": (lambda s: ResnetGenerator(), 256, None),
    "cyclegan_generator_9": (lambda s: ResnetGenerator(n_blocks=9), 256, None),
    "patchgan_discriminator": (lambda s: NLayerDiscriminator(), 256, None),
    "stargan_generator": (lambda s: StarGenerator(), 128, None),
    "stargan_discriminator": (lambda s: StarDiscriminator(s), 128, 64),
}


def counts():
    """{name: trainable parameter count} at the reports' sizes (and name@32 / name@64)."""
    result = {}
    for name, (make, size, small) in REPORT_SIZES.items():
        for s, label in ((size, name), (small, f"{name}@{small}")):
            if s is None and label != name:
                continue
            net = make(s)
            result[label] = sum(p.numel() for p in net.parameters() if p.requires_grad)
    return result


def main():
    os.makedirs(OUT, exist_ok=True)
    for family, tensors in fixtures().items():
        save(os.path.join(OUT, f"nets_{family}.safetensors"), tensors)
    for name, n in counts().items():
        print(f"{name:36} {n:>12,}")


if __name__ == "__main__":
    if "--counts" in sys.argv:
        for name, n in counts().items():
            print(f"{name:36} {n:>12,}")
    else:
        main()
