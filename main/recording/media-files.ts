// The media files of a session folder: the lossless face crops and the camera video.
export const ROI_FILE = 'crops.roi';
export const VIDEO_FILE = 'video.webm';
export const MEDIA_FILES = [ROI_FILE, VIDEO_FILE] as const;
