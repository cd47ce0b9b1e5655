#include "policies/vla/vla_config.h"

#include <fmt/format.h>

#include "core/error.h"

namespace fb::policies {

void VlaModelConfig::Validate() const {
  if (uses_objects() && max_objects < 1) {
    throw InputError("model.observation '" + observation + "' needs model.max_objects >= 1 (object tokens)");
  }
  if (!uses_images() && object_slots > 0) {
    throw InputError("model.object_slots (" + std::to_string(object_slots) +
                     ") predicts object positions from image tokens; model.observation 'state' has none (set 0)");
  }
  if (width % heads != 0) {
    throw InputError("model.width (" + std::to_string(width) + ") must be a multiple of model.heads (" +
                     std::to_string(heads) + ")");
  }
  if (width % 2 != 0 || expert_width % 2 != 0) {
    throw InputError("model.width (" + std::to_string(width) + ") and model.expert_width (" +
                     std::to_string(expert_width) + ") must be even (sinusoidal positions)");
  }
  if (image_size % 8 != 0 || image_size / 8 < image_grid) {
    throw InputError("model.image_size (" + std::to_string(image_size) +
                     ") must be a multiple of 8 and give a CNN map of at least model.image_grid (" +
                     std::to_string(image_grid) + ") cells a side (image_size / 8)");
  }
}

void VlaTrainConfig::Validate() const {
  if ((object_loss_weight > 0) != (model.object_slots > 0)) {
    throw InputError(fmt::format("object_loss_weight ({}) and model.object_slots ({}) go together: set both (the "
                                 "auxiliary object-position loss) or neither",
                                 object_loss_weight, model.object_slots));
  }
}

}  // namespace fb::policies
