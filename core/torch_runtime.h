// LibTorch process set-up: intra-op thread count and a check of the BLAS it runs on.
#pragma once

#include <string>

namespace fb {

// Sets LibTorch's intra-op threads (0 = all cores) and logs, at debug level, the BLAS
// library in use and the thread count. Warns loudly when the reference BLAS is loaded.
void ConfigureTorchRuntime(int threads);

// "OpenBLAS 0.3.21 ... (openmp)" or "reference BLAS (netlib)": what libblas.so.3 is.
std::string DescribeBlas();

// LibTorch's current intra-op thread count.
int TorchIntraOpThreads();

// True when the loaded libblas.so.3 is OpenBLAS.
bool BlasIsOptimized();

}  // namespace fb
