"""torchrun for the tests: torch.distributed.run's main, with one fix for the PyTorch 1.13 that Debian 12
ships on Python 3.11. Its Std.from_str("0") looks the value up by iterating the IntFlag, and Python 3.11
no longer yields a flag's 0 member, so every torchrun stops with "'NoneType' object has no attribute
'get'" (fixed in PyTorch 2.0). Usage: python3 torchrun.py --nproc_per_node K script.py [args]."""
import sys

from torch.distributed.elastic.multiprocessing import api

if api.Std.from_str("0") is None:

    def from_str(cls, vm):
        if ":" not in vm:
            return cls(int(vm))
        return {int(i): cls(int(v)) for i, v in (m.split(":") for m in vm.split(","))}

    api.Std.from_str = classmethod(from_str)

from torch.distributed.run import main  # noqa: E402

sys.exit(main())
