// JoinMpiWorldIfLaunched for builds without MPI (find_package(MPI) found none).
#include <cstdlib>

#include "core/error.h"
#include "eval/mpi_world.h"

namespace fb::eval {

std::unique_ptr<MpiWorld> JoinMpiWorldIfLaunched() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(variable) != nullptr) {
      throw InputError("launched by mpirun, but this fasterbench was built without MPI (install libopenmpi-dev and "
                       "rebuild), or run the shards with --shard i/N");
    }
  }
  return nullptr;
}

}  // namespace fb::eval
