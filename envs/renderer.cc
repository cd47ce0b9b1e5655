#include "envs/renderer.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.h"
#include "envs/gl_context.h"
#include "envs/mujoco_errors.h"
#include "envs/splits.h"

namespace fb::envs {
namespace {

constexpr int kMaxSize = 4096;
constexpr int kMaxGeoms = 2000;

std::string CameraList(const mjModel* m) {
  std::string names;
  for (int i = 0; i < m->ncam; ++i) {
    if (i > 0) names += ", ";
    names += mj_id2name(m, mjOBJ_CAMERA, i);
  }
  return names.empty() ? "(none)" : names;
}

// ood-visual (see kVisualFixed in splits.h): overrides an episode carries in d->userdata,
// applied to the scene after mjv_updateScene so the shared mjModel is never changed.
void ApplyVisualOverrides(const mjModel* m, const mjData* d, int camera_id, mjvScene* scn) {
  if (m->nuserdata < kVisualUserdataSize || d->userdata[0] != 1) return;
  const double* u = d->userdata;
  const int n = static_cast<int>(u[2]);
  const double* v = u + 3 + n;
  const int table = mj_name2id(m, mjOBJ_GEOM, "table_top");
  for (int g = 0; g < scn->ngeom; ++g) {
    mjvGeom& geom = scn->geoms[g];
    if (geom.objtype != mjOBJ_GEOM || geom.objid < 0) continue;
    const double* rgb = nullptr;
    if (geom.objid == table) rgb = v;
    const int body = m->geom_bodyid[geom.objid];
    for (int i = 0; i < n && rgb == nullptr; ++i) {
      if (body == static_cast<int>(u[3 + i])) rgb = v + kVisualFixed + 3 * i;
    }
    if (rgb == nullptr) continue;
    for (int c = 0; c < 3; ++c) geom.rgba[c] = static_cast<float>(rgb[c]);
  }
  for (int l = 0; l < scn->nlight; ++l) {
    mjvLight& light = scn->lights[l];
    if (light.headlight) continue;
    for (int c = 0; c < 3; ++c) {
      light.diffuse[c] = static_cast<float>(std::min(1.0, light.diffuse[c] * v[3 + c]));
      light.pos[c] += static_cast<float>(v[6 + c]);
    }
  }
  if (camera_id != static_cast<int>(u[1])) return;
  double quat[4] = {1, 0, 0, 0};
  const double angle = mju_norm3(v + 12);
  if (angle > 0) {
    double axis[3];
    mju_scl3(axis, v + 12, 1 / angle);
    mju_axisAngle2Quat(quat, axis, angle);
  }
  for (mjvGLCamera& cam : scn->camera) {
    double fwd[3], up[3], out[3];
    for (int c = 0; c < 3; ++c) {
      cam.pos[c] += static_cast<float>(v[9 + c]);
      fwd[c] = cam.forward[c];
      up[c] = cam.up[c];
    }
    mju_rotVecQuat(out, fwd, quat);
    for (int c = 0; c < 3; ++c) cam.forward[c] = static_cast<float>(out[c]);
    mju_rotVecQuat(out, up, quat);
    for (int c = 0; c < 3; ++c) cam.up[c] = static_cast<float>(out[c]);
  }
}

}  // namespace

std::string RenderBackendName(RenderBackend backend) { return backend == RenderBackend::kEgl ? "egl" : "osmesa"; }

RenderBackend ParseRenderBackend(std::string_view name) {
  if (name == "osmesa") return RenderBackend::kOsmesa;
  if (name == "egl") return RenderBackend::kEgl;
  throw InputError(fmt::format("unknown render backend '{}'; choose osmesa or egl", name));
}

Renderer::Renderer(RenderBackend backend)
    : k_backend_(backend), k_gl_(backend == RenderBackend::kEgl ? MakeEglContext() : MakeOsmesaContext()) {
  InstallMujocoHandlers();
  MakeCurrent();
  mjv_defaultScene(&k_scene_);
  mjr_defaultContext(&k_context_);
  mjv_defaultOption(&k_option_);
}

Renderer::~Renderer() {
  try {
    MakeCurrent();
    FreeMujocoContext();
  } catch (const std::exception&) {
    // The context is gone with the GL context below; nothing else to release.
  }
}

void Renderer::MakeCurrent() { k_gl_->MakeCurrent(); }

void Renderer::FreeMujocoContext() {
  if (k_model_ == nullptr) return;
  mjr_freeContext(&k_context_);
  mjv_freeScene(&k_scene_);
  k_model_ = nullptr;
}

void Renderer::Prepare(const mjModel* m, int width, int height) {
  if (m == k_model_ && width <= k_buffer_width_ && height <= k_buffer_height_) return;
  FreeMujocoContext();
  // mjr_makeContext takes its buffer size and MSAA from the model; a shallow copy with those
  // fields changed keeps the caller's model const (the context only reads from it).
  mjModel settings = *m;
  settings.vis.global.offwidth = std::max(m->vis.global.offwidth, width);
  settings.vis.global.offheight = std::max(m->vis.global.offheight, height);
  settings.vis.quality.offsamples = 0;
  mjv_makeScene(m, &k_scene_, kMaxGeoms);
  try {
    mjr_makeContext(&settings, &k_context_, mjFONTSCALE_100);
    mjr_setBuffer(mjFB_OFFSCREEN, &k_context_);
  } catch (...) {
    mjr_freeContext(&k_context_);  // releases what was made, then resets to defaults
    mjv_freeScene(&k_scene_);
    throw;
  }
  k_scene_.flags[mjRND_SHADOW] = 0;
  k_scene_.flags[mjRND_REFLECTION] = 0;
  k_scene_.flags[mjRND_SKYBOX] = 0;
  k_model_ = m;
  k_buffer_width_ = settings.vis.global.offwidth;
  k_buffer_height_ = settings.vis.global.offheight;
}

RgbImage Renderer::Render(const mjModel* m, mjData* d, const std::string& camera, int width, int height) {
  const int camera_id = mj_name2id(m, mjOBJ_CAMERA, camera.c_str());
  if (camera_id < 0) {
    throw InputError(fmt::format("unknown camera '{}'; the model's cameras: {}", camera, CameraList(m)));
  }
  if (width < 1 || height < 1 || width > kMaxSize || height > kMaxSize) {
    throw InputError(fmt::format("render size {}x{} is outside [1, {}]", width, height, kMaxSize));
  }
  MakeCurrent();
  Prepare(m, width, height);

  mjvCamera view;
  mjv_defaultCamera(&view);
  view.type = mjCAMERA_FIXED;
  view.fixedcamid = camera_id;
  mjv_updateScene(m, d, &k_option_, nullptr, &view, mjCAT_ALL, &k_scene_);
  ApplyVisualOverrides(m, d, camera_id, &k_scene_);
  const mjrRect viewport{0, 0, width, height};
  mjr_render(viewport, &k_scene_, &k_context_);

  const size_t row = static_cast<size_t>(width) * 3;
  k_bottom_up_.resize(row * static_cast<size_t>(height));
  mjr_readPixels(k_bottom_up_.data(), nullptr, viewport, &k_context_);
  RgbImage image{width, height, std::vector<uint8_t>(k_bottom_up_.size())};
  for (int y = 0; y < height; ++y) {
    std::memcpy(image.pixels.data() + static_cast<size_t>(y) * row,
                k_bottom_up_.data() + static_cast<size_t>(height - 1 - y) * row, row);
  }
  return image;
}

}  // namespace fb::envs
