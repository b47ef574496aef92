"Exact linear regions against regioncam, an independent implementation (Rust); skipped when it is not installed."

import pytest
import torch

from grok_explore.models import MLP
from grok_explore.polygons import exact_regions
from grok_explore.regions import Plane, region_grid

regioncam = pytest.importorskip('regioncam', reason='regioncam (a development dependency) is not installed')

SQUARE = Plane(
    torch.zeros(2, dtype=torch.float64),
    torch.eye(2, dtype=torch.float64),
    torch.zeros(1, 2, dtype=torch.float64),
    (-1.0, 1.0, -1.0, 1.0),
)


def regioncam_count(net: MLP) -> int:
    "Faces regioncam finds on [-1, 1]² for the hidden layers of `net` (weights as float32, its only precision)."
    camera = regioncam.Regioncam(size=1)
    for layer in net.layers[:-1]:
        bias = layer.bias if layer.bias is not None else torch.zeros(layer.out_features)
        camera.linear(layer.weight.detach().T.contiguous().numpy(), bias.detach().numpy())
        camera.leaky_relu(net.activation.negative_slope) if net.activation_name == 'leaky_relu' else camera.relu()
    return camera.num_faces


@pytest.mark.parametrize('widths', [(128,), (64, 64), (32, 32, 32)])
@pytest.mark.parametrize('bias', [True, False])
@pytest.mark.parametrize('seed', [0, 1])
def test_exact_count_equals_regioncam(widths, bias, seed):
    torch.manual_seed(seed)
    net = MLP([2, *widths, 3], bias=bias, init_scale=2.0)  # scaled up: more regions inside the square
    regions = exact_regions(net, SQUARE)
    assert regions.count == regioncam_count(net)
    assert region_grid(net, SQUARE, 256).count <= regions.count


def test_leaky_relu_count_equals_regioncam():
    torch.manual_seed(0)
    net = MLP([2, 48, 48, 3], activation='leaky_relu', init_scale=2.0)
    assert exact_regions(net, SQUARE).count == regioncam_count(net)
