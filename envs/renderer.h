// Headless offscreen rendering of MuJoCo cameras through OSMesa (software GL, the default) or
// EGL (a GPU where there is one, else Mesa's software rasteriser): one GL context per
// Renderer, so each worker owns one and renders on its own thread. One backend per process
// unless both are Mesa (see gl_context.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mujoco/mujoco.h>

namespace fb::envs {

class GlContext;

enum class RenderBackend { kOsmesa, kEgl };

// "osmesa" | "egl".
std::string RenderBackendName(RenderBackend backend);
// Parses "osmesa" | "egl"; throws fb::InputError naming the value and both choices.
RenderBackend ParseRenderBackend(std::string_view name);

// An 8-bit RGB image, rows top-first (as image files and policies expect).
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // (height x width x 3)
};

// Not copyable or movable: it owns a GL context and MuJoCo's GPU-side resources. Use it on
// one thread at a time; it makes its context current on each call.
class Renderer final {
 public:
  // Creates the GL context of `backend`. Throws std::runtime_error when the backend is
  // unavailable or cannot share the process with the backend used first (see gl_context.h).
  explicit Renderer(RenderBackend backend = RenderBackend::kOsmesa);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Renders camera `camera` of the current state of (m, d) at width x height, with shadows,
  // reflections, skybox and MSAA off (software GL spends most of its time there). Builds
  // MuJoCo's render context on first use of a model, and again when the model or a larger
  // size is asked for. An episode's ood-visual overrides (object, table and light colours,
  // light positions, agent-view camera shift), which Reset puts in d->userdata, are applied to
  // the mjvScene after mjv_updateScene, never to the shared model. d is read only (mjv_updateScene takes it non-const). Throws
  // fb::InputError for an unknown camera name (listing the model's cameras) or a size
  // outside [1, 4096]; MujocoError when MuJoCo's GL setup fails.
  RgbImage Render(const mjModel* m, mjData* d, const std::string& camera, int width, int height);

  RenderBackend backend() const { return k_backend_; }

 private:
  void MakeCurrent();
  void Prepare(const mjModel* m, int width, int height);
  void FreeMujocoContext();

  RenderBackend k_backend_;
  std::unique_ptr<GlContext> k_gl_;
  mjvScene k_scene_{};
  mjrContext k_context_{};
  mjvOption k_option_{};
  const mjModel* k_model_ = nullptr;  // model the render context was built for
  int k_buffer_width_ = 0;            // offscreen buffer size of the render context
  int k_buffer_height_ = 0;
  std::vector<uint8_t> k_bottom_up_;
};

}  // namespace fb::envs
