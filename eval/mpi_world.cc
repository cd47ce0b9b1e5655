#include "eval/mpi_world.h"

#include <mpi.h>

#include <cstdlib>
#include <stdexcept>

namespace fb::eval {
namespace {

class OpenMpiWorld final : public MpiWorld {
 public:
  OpenMpiWorld() {
    int provided = 0;  // MPI is called from the main thread only; workers never touch it
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
      throw std::runtime_error("MPI_Init_thread failed");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &k_rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &k_size_);
  }
  ~OpenMpiWorld() override { MPI_Finalize(); }
  int rank() const override { return k_rank_; }
  int size() const override { return k_size_; }
  std::vector<int> GatherStatus(int status) override {
    std::vector<int> all(k_rank_ == 0 ? static_cast<size_t>(k_size_) : 0);
    MPI_Gather(&status, 1, MPI_INT, all.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    return all;
  }

 private:
  int k_rank_ = 0;
  int k_size_ = 1;
};

}  // namespace

std::unique_ptr<MpiWorld> JoinMpiWorldIfLaunched() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(variable) != nullptr) return std::make_unique<OpenMpiWorld>();
  }
  return nullptr;
}

}  // namespace fb::eval
