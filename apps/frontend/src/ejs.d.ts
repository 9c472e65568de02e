// ejs 7 ships no type declarations; the frontend hands its renderFile to Express and renders the plain page
// with it (a promise when no callback is given).
declare module 'ejs' {
  const ejs: {
    renderFile(path: string, data: object, callback: (error: Error | null, html?: string) => void): void;
    renderFile(path: string, data: object, options: { cache?: boolean }): Promise<string>;
  };
  export default ejs;
}
