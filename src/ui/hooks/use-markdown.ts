import { useEffect, useState } from 'react';
import { loadMarkdown, markdownLoaded } from '../markdown.js';

/** Loads the markdown renderer once (after the first frame) and re-renders when it is there. */
export function useMarkdownLoaded(): boolean {
  const [loaded, setLoaded] = useState(markdownLoaded);
  useEffect(() => {
    if (loaded) return;
    let alive = true;
    void loadMarkdown().then(() => alive && setLoaded(true));
    return () => {
      alive = false;
    };
  }, [loaded]);
  return loaded;
}
