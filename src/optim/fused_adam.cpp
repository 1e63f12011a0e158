// gankit's C++ shim: libtorch's fused Adam and AdamW (`at::_fused_adam_`, `at::_fused_adamw_`,
// what `torch.optim.Adam(fused=True)` runs), which tch does not expose. One kernel reads each
// parameter, its gradient and both moments once and writes them back, instead of a dozen
// element-wise ops (each a pass over memory and a trip through the dispatcher). build.rs compiles
// this file against the same libtorch headers torch-sys compiles its own wrapper against.
//
// The tensors arrive as tch's handles (`at::Tensor*`). Errors come back as a malloc'd C string
// (the caller frees it), never as an exception across the C boundary.
#include <ATen/core/Tensor.h>
#include <ATen/ops/_fused_adam.h>
#include <ATen/ops/_fused_adamw.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

std::vector<at::Tensor> gather(at::Tensor* const* tensors, size_t n) {
  std::vector<at::Tensor> out;
  if (tensors == nullptr) return out;
  out.reserve(n);
  for (size_t i = 0; i < n; i++) out.push_back(*tensors[i]);
  return out;
}

char* error(const std::string& message) {
  char* out = static_cast<char*>(std::malloc(message.size() + 1));
  if (out != nullptr) std::memcpy(out, message.c_str(), message.size() + 1);
  return out;
}

}  // namespace

// One Adam (decoupled = false) or AdamW (decoupled = true) update of `n` parameters, in place.
// `max_exp_avg_sqs` is null unless amsgrad. `steps` holds each parameter's step count after this
// update (PyTorch increments it before calling the kernel), as a 0-dim float tensor on its device.
// The CPU kernel walks raw memory, so every tensor must be contiguous: a non-contiguous one is
// refused with an error (the caller then takes the op-by-op path).
extern "C" char* gankit_fused_adam(at::Tensor* const* params, at::Tensor* const* grads, at::Tensor* const* exp_avgs,
                                   at::Tensor* const* exp_avg_sqs, at::Tensor* const* max_exp_avg_sqs,
                                   at::Tensor* const* steps, size_t n, double lr, double beta1, double beta2,
                                   double weight_decay, double eps, bool amsgrad, bool decoupled) {
  try {
    auto p = gather(params, n), g = gather(grads, n), m = gather(exp_avgs, n), v = gather(exp_avg_sqs, n);
    auto vmax = gather(amsgrad ? max_exp_avg_sqs : nullptr, n), s = gather(steps, n);
    for (const auto* list : {&p, &g, &m, &v, &vmax}) {
      for (const auto& t : *list) {
        if (!t.is_contiguous()) return error("fused Adam: a tensor is not contiguous");
      }
    }
    if (decoupled) {
      at::_fused_adamw_(p, g, m, v, vmax, s, lr, beta1, beta2, weight_decay, eps, amsgrad, false);
    } else {
      at::_fused_adam_(p, g, m, v, vmax, s, lr, beta1, beta2, weight_decay, eps, amsgrad, false);
    }
    return nullptr;
  } catch (const std::exception& e) {
    return error(e.what());
  } catch (...) {
    return error("fused Adam: unknown C++ exception");
  }
}
