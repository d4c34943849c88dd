"""A reference LoRA engine that runs on a laptop: no GPU, no network, no weights.

It loads real PEFT adapter folders, refuses what open-source engines refuse
with the statuses they use, and answers with a deterministic toy generator
that names the adapter that answered. Needs the ``engine`` extra
(``pip install 'lora_lab[engine]'``)::

    from lora_lab.engine import LoRAEngine, create_engine_app, make_sample_adapter

    engine = LoRAEngine(base_model="toy-base", max_loras=4, max_lora_rank=16)
    path = make_sample_adapter("/tmp/adapters/support", rank=8)
    await engine.load_adapter("support", str(path))
    await engine.generate("toy-base:support", "Where is my order?")
    app = create_engine_app(engine)
"""

from lora_lab.engine.adapters import AdapterInfo, read_adapter
from lora_lab.engine.app import completion_response, create_engine_app
from lora_lab.engine.containers import (
    EXAMPLE_CONTAINERS,
    create_sglang_container,
    create_vllm_container,
)
from lora_lab.engine.engine import LoRAEngine
from lora_lab.engine.errors import (
    AdapterAlreadyLoaded,
    AdapterNotFound,
    BadEngineRequest,
    EngineError,
    InvalidAdapter,
    ModelNotFound,
    NoFreeSlot,
    RankTooLarge,
)
from lora_lab.engine.samples import make_sample_adapter

__all__ = [
    "EXAMPLE_CONTAINERS",
    "AdapterAlreadyLoaded",
    "AdapterInfo",
    "AdapterNotFound",
    "BadEngineRequest",
    "EngineError",
    "InvalidAdapter",
    "LoRAEngine",
    "ModelNotFound",
    "NoFreeSlot",
    "RankTooLarge",
    "completion_response",
    "create_engine_app",
    "create_sglang_container",
    "create_vllm_container",
    "make_sample_adapter",
    "read_adapter",
]
