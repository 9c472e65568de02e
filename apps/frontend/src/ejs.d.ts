// ejs 7 ships no type declarations; the frontend only hands its renderFile to Express.
declare module 'ejs' {
  const ejs: {
    renderFile(path: string, data: object, callback: (error: Error | null, html?: string) => void): void;
  };
  export default ejs;
}
