# lit configuration for Kiln's regression tests (.mlir files checked with
# FileCheck). Python end-to-end tests live in test/e2e and run under pytest.
import os
import shutil

import lit.formats

config.name = "Kiln"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")
config.excludes = ["e2e", "unit", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]

config.environment["PATH"] = os.pathsep.join(
    [config.kiln_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
config.substitutions.append(("%kiln_src", config.kiln_src_root))
config.substitutions.append(("%python", "/usr/bin/python3"))

# GPU-only tests declare `REQUIRES: gpu`.
if shutil.which("nvidia-smi") and os.path.exists("/dev/nvidia0"):
    config.available_features.add("gpu")
