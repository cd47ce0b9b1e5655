// The MPI world of an evaluation launched by mpirun (each rank runs one shard, rank 0 merges),
// detected at run time so plain runs never initialize MPI. MPI stays behind this header: only
// mpi_world.cc includes it, and only the fasterbench executable links it.
#pragma once

#include <memory>
#include <vector>

namespace fb::eval {

class MpiWorld {
 public:
  virtual ~MpiWorld() = default;  // finalizes MPI
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Collective: every rank passes its exit status; rank 0 gets them all in rank order, the
  // others get {}. Doubles as the barrier before rank 0 merges.
  virtual std::vector<int> GatherStatus(int status) = 0;
};

// Initializes MPI when this process was started by mpirun / srun (OMPI_COMM_WORLD_SIZE,
// PMI_SIZE or PMIX_RANK in the environment); null otherwise. Throws fb::InputError when
// launched by mpirun but built without MPI, std::runtime_error when MPI_Init fails.
std::unique_ptr<MpiWorld> JoinMpiWorldIfLaunched();

}  // namespace fb::eval
