#include "core/torch_runtime.h"

#include <dlfcn.h>

#include <thread>

#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

namespace fb {
namespace {

using OpenblasConfigFn = char* (*)();

OpenblasConfigFn FindOpenblasConfig() {
  // libtorch_cpu links libblas.so.3; when the alternative points at OpenBLAS, its
  // symbols are in the global scope. Touching ATen first guarantees it is loaded.
  return reinterpret_cast<OpenblasConfigFn>(::dlsym(RTLD_DEFAULT, "openblas_get_config"));
}

}  // namespace

int TorchIntraOpThreads() { return at::get_num_threads(); }

bool BlasIsOptimized() { return FindOpenblasConfig() != nullptr; }

std::string DescribeBlas() {
  if (auto fn = FindOpenblasConfig()) return std::string("OpenBLAS (") + fn() + ")";
  return "reference BLAS (netlib)";
}

void ConfigureTorchRuntime(int threads) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(threads > 0 ? threads : (cores > 0 ? cores : 1));
  if (!BlasIsOptimized()) {
    spdlog::warn("LibTorch runs on the reference BLAS: expect 15-25x slower models. "
                 "Run scripts/setup.sh to install and select libopenblas0-openmp.");
  }
  spdlog::debug("LibTorch: BLAS = {}; intra-op threads = {}", DescribeBlas(), at::get_num_threads());
}

}  // namespace fb
