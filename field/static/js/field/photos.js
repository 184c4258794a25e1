/* Photos, made small on the phone before they are kept or queued: longest side PHOTO_MAX_SIDE px,
 * JPEG. A photo already that small, or one this browser cannot decode, goes as it is (the server
 * checks and re-encodes every photo anyway). */
const PHOTO_MAX_SIDE = 1600;
let shrinking = Promise.resolve();

// Settles when the photos chosen last are made small (and put back in their input).
export function photosReady() { return shrinking; }

function decodePhoto(file) {
  if (window.createImageBitmap) { return createImageBitmap(file, { imageOrientation: "from-image" }); }
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => { URL.revokeObjectURL(url); resolve(img); };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("decode")); };
    img.src = url;
  });
}

export function shrinkPhoto(file) {
  return decodePhoto(file).then((image) => {
    const width = image.naturalWidth || image.width;
    const height = image.naturalHeight || image.height;
    const scale = PHOTO_MAX_SIDE / Math.max(width, height);
    if (scale >= 1) { if (image.close) { image.close(); } return file; }
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    if (image.close) { image.close(); }
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85)).then((blob) => {
      if (!blob) { return file; }
      const name = (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
      return new File([blob], name, { type: "image/jpeg", lastModified: Date.now() });
    });
  }).catch(() => file);
}

// The photos just chosen in `input`, replaced by small ones; `onReplaced` then (to keep the draft).
export function shrinkChosenPhotos(input, onReplaced) {
  const chosen = Array.prototype.slice.call(input.files || []);
  if (!chosen.length || !window.DataTransfer) { return shrinking; }
  shrinking = Promise.all(chosen.map(shrinkPhoto)).then((small) => {
    const same = small.every((f, i) => f === chosen[i]);
    if (same || input.files[0] !== chosen[0]) { return; } // nothing to replace, or chosen again meanwhile
    const transfer = new DataTransfer();
    small.forEach((f) => transfer.items.add(f));
    input.files = transfer.files;
    onReplaced();
  });
  return shrinking;
}
