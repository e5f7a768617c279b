import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kiln_e2e import OPT_LEVELS  # noqa: E402


@pytest.fixture(params=OPT_LEVELS)
def opt(request):
    """The optimization level a test compiles at."""
    return request.param
