// tfjs set-up: WebGL when the browser gives us a context, CPU otherwise, and say which.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; tf.grad (the effective field) needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import type { BackendName } from '../../src/shared/protocol';

export { tf };

/** Largest tensor (in elements) the panel will build; bigger requests are scaled down with a message. */
export const MAX_TENSOR_ELEMENTS = 4_000_000;

/** The WebGL renderer's name when the browser exposes it (e.g. "SwiftShader"), else null. */
function webglRenderer(): string | null {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

/**
 * Chooses the backend: WebGL on a real GPU, CPU when WebGL is missing, fails, or is emulated in
 * software (SwiftShader, llvmpipe), where tfjs's CPU kernels are many times faster.
 */
export async function initBackend(): Promise<{ backend: BackendName; note: string }> {
  const renderer = webglRenderer();
  if (renderer && /swiftshader|llvmpipe|softpipe|software/i.test(renderer)) {
    await tf.setBackend('cpu');
    await tf.ready();
    return { backend: 'cpu', note: `WebGL is emulated in software (${renderer}); running tfjs on the CPU backend` };
  }
  try {
    if (await tf.setBackend('webgl')) {
      await tf.ready();
      // A tiny op proves the context really works (some headless GPUs initialise and then fail).
      tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
      return { backend: 'webgl', note: `WebGL backend${renderer ? ` (${renderer})` : ''}` };
    }
  } catch (error) {
    console.warn('Layer Lens: WebGL backend failed', error);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { backend: 'cpu', note: 'WebGL unavailable; running tfjs on the CPU backend' };
}

/** Throws a readable error when a tensor of this shape would exceed the cap. */
export function checkTensorSize(what: string, shape: readonly number[]): void {
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements > MAX_TENSOR_ELEMENTS) {
    throw new TensorCapError(`${what} would need ${elements.toLocaleString('en')} values (shape ${shape.join('×')}); the panel caps tensors at ${MAX_TENSOR_ELEMENTS.toLocaleString('en')}.`);
  }
}

/** A request the panel refuses because of the tensor-size cap; its message is shown to the user. */
export class TensorCapError extends Error {
  override name = 'TensorCapError';
}
