var b = WebApplication.CreateBuilder(args);
b.Build().Run();
public partial class Program;
