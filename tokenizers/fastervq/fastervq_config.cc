#include "tokenizers/fastervq/fastervq_config.h"

#include <cstdint>
#include <limits>

#include "core/config/schema.h"
#include "core/error.h"

namespace fb::tokenizers {

void FasterVqConfig::Validate() const {
  if (width % heads != 0) {
    throw InputError("FASTerVQ config: heads " + std::to_string(heads) + " must divide width " +
                     std::to_string(width));
  }
  if (static_cast<int64_t>(levels) * codebook_size > std::numeric_limits<int32_t>::max()) {
    throw InputError("FASTerVQ config: levels " + std::to_string(levels) + " x codebook_size " +
                     std::to_string(codebook_size) + " ids do not fit an int32 token id");
  }
  if (vq_warmup_steps >= steps) {
    throw InputError("FASTerVQ config: vq_warmup_steps " + std::to_string(vq_warmup_steps) + " must be below steps " +
                     std::to_string(steps) + ", or the codebooks are never initialised");
  }
  for (size_t g = 0; g < dim_groups.size(); ++g) {
    if (dim_groups[g].empty()) {
      throw InputError("FASTerVQ config: dim_groups[" + std::to_string(g) +
                       "] is empty; every group needs at least one dim index");
    }
    for (int d : dim_groups[g]) {
      if (d < 0) {
        throw InputError("FASTerVQ config: dim_groups[" + std::to_string(g) + "] has negative dim index " +
                         std::to_string(d));
      }
    }
  }
}

std::string FasterVqConfigHash(const FasterVqConfig& config) { return config::HashText(config::Dump(config)); }

}  // namespace fb::tokenizers
