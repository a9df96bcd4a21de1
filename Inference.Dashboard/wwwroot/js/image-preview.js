// Shows the file chosen in an <input type="file"> in an <img> straight from the browser's memory: the image never
// travels to the server and back as a base64 data URL just to be previewed.
export function showChosenImage(input, image) {
    const file = input?.files?.[0];
    if (!file || !image) {
        return;
    }
    if (image.dataset.objectUrl) {
        URL.revokeObjectURL(image.dataset.objectUrl);
    }
    image.dataset.objectUrl = URL.createObjectURL(file);
    image.src = image.dataset.objectUrl;
}
