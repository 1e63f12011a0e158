"""A stand-in for the gankit kernel when setup is incomplete: every cell fails with one line
that says what is missing and which command fixes it.

Usage: not_ready_kernel.py <connection file> <what is missing>
"""
import os
import sys

from ipykernel.kernelapp import IPKernelApp
from ipykernel.kernelbase import Kernel

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MISSING = sys.argv[2] if len(sys.argv) > 2 else "setup has not been run"
MESSAGE = f"gankit is not set up: {MISSING}. Run `bash kernel/gankit setup` in {REPO}, then restart the kernel."


class NotReadyKernel(Kernel):
    implementation = "gankit-not-ready"
    implementation_version = "1"
    language_info = {"name": "rust", "file_extension": ".rs", "mimetype": "text/rust"}
    banner = MESSAGE

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, **kwargs):
        self.send_response(self.iopub_socket, "stream", {"name": "stderr", "text": MESSAGE + "\n"})
        return {"status": "error", "execution_count": self.execution_count,
                "ename": "GankitNotSetUp", "evalue": MESSAGE, "traceback": [MESSAGE]}


if __name__ == "__main__":
    IPKernelApp.launch_instance(kernel_class=NotReadyKernel, argv=["-f", sys.argv[1]])
